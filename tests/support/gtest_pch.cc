// The translation unit that builds the precompiled gtest/gmock header the test targets reuse
// (tests/CMakeLists.txt); it has no code of its own.
