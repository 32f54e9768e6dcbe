// The level detection that is on without any configuration: the line formats of a PHP stack.
// A hand-written prefix scan instead of regular expressions, because it runs on every line of
// every process by default: it looks at most at a line's first ~200 bytes, allocates nothing and
// costs a few nanoseconds on a line of none of these formats.
//
//   php-fpm  [14-Mar-2024 10:00:00] WARNING: [pool www] server reached pm.max_children
//            ERROR, ALERT -> error; WARNING -> warn; NOTICE -> info; DEBUG -> debug
//            (`NOTICE: PHP message: PHP Warning: ...` takes the PHP message's level)
//   PHP      [14-Mar-2024 10:00:00 UTC] PHP Fatal error:  Uncaught ...
//            Fatal/Parse/Recoverable fatal/Catchable fatal error -> error; Warning -> warn;
//            Notice, Deprecated, Strict Standards -> info
//   nginx    2024/03/14 10:00:00 [error] 7#7: *1 open() ... failed; `nginx: [emerg] bind() ...`
//            emerg, alert, crit, error -> error; warn -> warn; notice, info -> info;
//            debug -> debug
//   Laravel  [2024-03-14 10:00:00] production.WARNING: ... (any channel/environment name)
//            EMERGENCY, ALERT, CRITICAL, ERROR -> error; WARNING -> warn; NOTICE, INFO -> info;
//            DEBUG -> debug
// Level words are matched in the case these programs write them, so ordinary prose ("Error: ..."
// from some tool) is not taken for a php-fpm line.
#pragma once

#include <optional>
#include <string_view>

#include "core/process_logs/record.h"

namespace phpeek::process_logs {

std::optional<Level> DetectBuiltinLevel(std::string_view line);

}  // namespace phpeek::process_logs
