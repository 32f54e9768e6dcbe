// The built-in level detection: real lines of php-fpm, PHP, nginx and Laravel get their level;
// look-alikes and ordinary lines get none.
#include "core/process_logs/builtin_levels.h"

#include <gtest/gtest.h>

namespace phpeek::process_logs {
namespace {

std::string Name(std::string_view line) {
  const auto level = DetectBuiltinLevel(line);
  return level ? LevelName(*level) : "none";
}

TEST(BuiltinLevelsTest, PhpFpm) {
  EXPECT_EQ(Name("[14-Mar-2024 10:00:00] WARNING: [pool www] server reached pm.max_children "
                 "setting (5), consider raising it"),
            "warn");
  EXPECT_EQ(Name("[14-Mar-2024 10:00:00] ERROR: unable to bind listening socket for address "
                 "'127.0.0.1:9000': Address in use (98)"),
            "error");
  EXPECT_EQ(Name("[14-Mar-2024 10:00:00] NOTICE: fpm is running, pid 1"), "info");
  EXPECT_EQ(Name("[14-Mar-2024 10:00:00] ALERT: oops"), "error");
  EXPECT_EQ(Name("[14-Mar-2024 10:00:00] DEBUG: pm.max_children = 5"), "debug");
  EXPECT_EQ(Name("NOTICE: ready to handle connections"), "info");
  EXPECT_EQ(Name("[pool www] WARNING: child 12 exited on signal 9"), "warn");
  // A PHP message relayed by php-fpm takes the PHP message's level.
  EXPECT_EQ(Name("[14-Mar-2024 10:00:00] NOTICE: PHP message: PHP Fatal error:  Uncaught "
                 "Exception: boom"),
            "error");
  EXPECT_EQ(Name("NOTICE: PHP message: PHP Warning:  Undefined variable $x"), "warn");
}

TEST(BuiltinLevelsTest, Php) {
  EXPECT_EQ(Name("PHP Fatal error:  Uncaught Error: Call to undefined function f()"), "error");
  EXPECT_EQ(Name("[14-Mar-2024 10:00:00 UTC] PHP Warning:  Division by zero in /app/x.php"),
            "warn");
  EXPECT_EQ(Name("PHP Parse error:  syntax error, unexpected '}'"), "error");
  EXPECT_EQ(Name("PHP Deprecated:  Creation of dynamic property"), "info");
  EXPECT_EQ(Name("PHP Notice:  Undefined index: id"), "info");
  EXPECT_EQ(Name("PHP is great"), "none");
}

TEST(BuiltinLevelsTest, Nginx) {
  EXPECT_EQ(Name("2024/03/14 10:00:00 [error] 7#7: *1 open() \"/var/www/x\" failed (2: No such "
                 "file or directory)"),
            "error");
  EXPECT_EQ(Name("2024/03/14 10:00:00 [warn] 7#7: conflicting server name"), "warn");
  EXPECT_EQ(Name("2024/03/14 10:00:00 [crit] 7#7: *5 SSL_do_handshake() failed"), "error");
  EXPECT_EQ(Name("2024/03/14 10:00:00 [emerg] 1#1: bind() to 0.0.0.0:80 failed"), "error");
  EXPECT_EQ(Name("2024/03/14 10:00:00 [alert] 1#1: worker process 9 exited"), "error");
  EXPECT_EQ(Name("2024/03/14 10:00:00 [notice] 1#1: signal process started"), "info");
  EXPECT_EQ(Name("2024/03/14 10:00:00 [info] 7#7: *3 client closed connection"), "info");
  EXPECT_EQ(Name("2024/03/14 10:00:00 [debug] 7#7: epoll add event"), "debug");
  EXPECT_EQ(Name("nginx: [emerg] unknown directive \"serverx\" in /etc/nginx/nginx.conf:3"),
            "error");
  EXPECT_EQ(Name("nginx: [warn] the \"user\" directive makes sense only if the master process "
                 "runs with super-user privileges"),
            "warn");
  // An access log line is not an error line, even with a bracketed time and the word in a URL.
  EXPECT_EQ(Name("127.0.0.1 - - [14/Mar/2024:10:00:00 +0000] \"GET /[error] HTTP/1.1\" 404 153"),
            "none");
  EXPECT_EQ(Name("2024/03/14 10:00:00 [verbose] x"), "none");
}

TEST(BuiltinLevelsTest, Laravel) {
  EXPECT_EQ(Name("[2024-03-14 10:00:00] local.ERROR: Undefined variable $user {\"exception\":"
                 "\"[object] (ErrorException(code: 0)\"}"),
            "error");
  EXPECT_EQ(Name("[2024-03-14 10:00:00] production.WARNING: Slow query"), "warn");
  EXPECT_EQ(Name("[2024-03-14 10:00:00] staging.INFO: Job processed"), "info");
  EXPECT_EQ(Name("[2024-03-14T10:00:00.123456+00:00] testing.DEBUG: cache hit"), "debug");
  EXPECT_EQ(Name("[2024-03-14 10:00:00] local.CRITICAL: disk full"), "error");
  EXPECT_EQ(Name("[2024-03-14 10:00:00] local.EMERGENCY: down"), "error");
  EXPECT_EQ(Name("[2024-03-14 10:00:00] local.NOTICE: x"), "info");
  EXPECT_EQ(Name("[2024-03-14 10:00:00] local.ALERT: x"), "error");
}

TEST(BuiltinLevelsTest, OrdinaryLinesHaveNone) {
  for (const char* line :
       {"", "GET /index.php 200", "Error: something went wrong",  // prose, not php-fpm's ERROR:
        "ERROR without colon", "example.com: resolved", "[", "[unterminated", "2024/03/14",
        "2024/03/14 10:00:00 [error", "Processing jobs from the [default] queue.",
        "local.error: lower case is not Monolog", "WARNING", "nginx: [", "n"}) {
    EXPECT_EQ(Name(line), "none") << line;
  }
}

}  // namespace
}  // namespace phpeek::process_logs
