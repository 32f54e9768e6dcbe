// config_test (php-fpm8.2 -t, nginx -t) before anything touches running instances: a restart, a
// process reload, a configuration reload's rolling restart. The test runs as a hook (its output in
// the log and in the first instance's history with hook=config_test) on a lane of its own, so it
// never waits behind an instance's hooks; the action follows only when it passed. Before a spawn
// it runs with the instance's pre_start hooks instead (engine_hooks.cc).
#include "core/log/log.h"
#include "core/supervisor/engine.h"

namespace phpeek::supervisor {

void Engine::AfterConfigTest(Process& p, const char* action, std::function<void(Process&)> then) {
  if (!p.spec->config_test) {
    then(p);
    return;
  }
  const std::string name = p.spec->name;
  hooks::HookJob job = hooks::ProcessHookJob(*p.spec->config_test, hooks::HookPoint::kPreStart,
                                             name, name + "-0", p.request);
  job.log_pipeline = p.log_pipeline;
  const std::string act = action;
  hooks_.Run("config_test:" + name, {std::move(job)},
             [this, name, act, then](bool ok, const hooks::HookResult& failed) {
               Process* q = FindProcess(name);
               if (q == nullptr || shutting_down_) return;
               ++q->config_tests;
               dirty_ = true;
               if (ok) {
                 q->config_test_error.clear();
                 then(*q);
                 return;
               }
               q->config_test_error = failed.error;
               log::Error("config test failed; the running instances are kept as they are",
                          {{"process", name}, {"action", act}, {"error", failed.error}});
             });
}

}  // namespace phpeek::supervisor
