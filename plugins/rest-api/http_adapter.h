// Poco request handler factories: one that turns a Poco request into an HttpRequest (reading the
// body under the size limit) and writes the HttpResponse back, and one that answers 503 to
// connections beyond the server's capacity.
#pragma once

#include <cstdint>

#include "Poco/Net/HTTPRequestHandlerFactory.h"
#include "plugins/rest-api/server.h"

namespace phpeek::rest {

// A handler factory that lets its owner tell the connections the server is stopping (Poco keeps
// that event protected for its own HTTPServer).
class StoppableFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  void NotifyServerStopped(bool abort_current) { serverStopped(this, abort_current); }
};

StoppableFactory* NewApiHandlerFactory(const RequestHandler* handler, int64_t max_request_body);
StoppableFactory* NewOverloadHandlerFactory();

// The 503 body sent to connections over capacity.
extern const char kOverloadBody[];

}  // namespace phpeek::rest
