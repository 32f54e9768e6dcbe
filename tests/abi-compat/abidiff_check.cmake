# ctest script: abidiff (abigail-tools) between the same plugin built against an older and a newer
# plugin_abi.h. A minor may only append: the report may show nothing but data members inserted at
# the end of a struct (each at an offset at or past the struct's old size), new types reached
# through them, and the sizes that grow with that. Any other change (a member moved, retyped,
# renamed or removed, a symbol removed or changed) fails.
#   -DABIDIFF=... -DOLD=<.so> -DNEW=<.so> [-DEXPECT_INCOMPATIBLE=ON]
# EXPECT_INCOMPATIBLE runs the same check on a deliberately broken header and passes only when the
# check fails: it proves the check can fail.
if(NOT EXISTS "${ABIDIFF}")
  message(FATAL_ERROR "abidiff not found: install abigail-tools (packaging/install-build-deps.sh)")
endif()
execute_process(COMMAND ${ABIDIFF} --no-show-locs ${OLD} ${NEW}
                RESULT_VARIABLE rc OUTPUT_VARIABLE report ERROR_VARIABLE err)
# abidiff's status is a bit field: 1 error, 2 usage error, 4 ABI change, 8 incompatible change.
math(EXPR tool_error "${rc} & 3")
if(NOT tool_error EQUAL 0)
  message(FATAL_ERROR "abidiff failed (${rc}):\n${err}${report}")
endif()
math(EXPR incompatible "${rc} & 8")

set(problems "")
if(NOT incompatible EQUAL 0)
  string(APPEND problems "  abidiff says: incompatible change\n")
endif()
string(REGEX MATCHALL "[^\n]+" lines "${report}")
set(old_size -1)
foreach(line IN LISTS lines)
  string(STRIP "${line}" line)
  if(line MATCHES "^type size changed from ([0-9]+) to ([0-9]+) \\(in bits\\)$")
    set(old_size ${CMAKE_MATCH_1})
    if(CMAKE_MATCH_2 LESS CMAKE_MATCH_1)
      string(APPEND problems "  shrunk: ${line}\n")
    endif()
  elseif(line MATCHES "^'.*', at offset ([0-9]+) \\(in bits\\)$")
    if(old_size LESS 0 OR CMAKE_MATCH_1 LESS old_size)
      string(APPEND problems "  inserted before the end: ${line}\n")
    endif()
  elseif(line MATCHES "^(Functions|Variables) changes summary: 0 Removed, [0-9]+ Changed( \\([0-9]+ filtered out\\))?, [0-9]+ Added (function|variable)$"
         OR line MATCHES "^[0-9]+ functions? with some indirect sub-type changes?:$"
         OR line MATCHES "^\\[C\\] 'function .*' has some indirect sub-type changes:$"
         OR line MATCHES "^(return type|parameter [0-9]+ of type '.*') (changed|has sub-type changes):$"
         OR line MATCHES "^in (pointed to|unqualified underlying) type '.*':$"
         OR line MATCHES "^underlying type '.*' changed:$"
         OR line MATCHES "^type of '.*' changed:$"
         OR line MATCHES "^(pointer|typedef|qualified) type changed"
         OR line MATCHES "^[0-9]+ data member (insertions?|changes?):$"
         OR line MATCHES "^type size hasn't changed$"
         OR line MATCHES "^details were reported earlier$"
         OR line MATCHES "^no sub-type change")
    # the path to a change, or an allowed change
  else()
    string(APPEND problems "  not an append-only change: ${line}\n")
  endif()
endforeach()

if(EXPECT_INCOMPATIBLE)
  if(problems STREQUAL "")
    message(FATAL_ERROR "the broken header was accepted; the check cannot fail:\n${report}")
  endif()
  message(STATUS "the broken header is refused, as it must be:\n${problems}")
elseif(NOT problems STREQUAL "")
  message(FATAL_ERROR "${OLD} -> ${NEW} is not binary compatible:\n${problems}\n${report}")
else()
  message(STATUS "append-only:\n${report}")
endif()
