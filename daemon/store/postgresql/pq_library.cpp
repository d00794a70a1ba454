#include "store/postgresql/pq_library.h"

#include "base/shared_library.h"

#include <stdexcept>
#include <string>

namespace plan_reminder::store::postgresql {
namespace {

// The soname of libpq 5 (Debian's libpq5 package), whatever the server's version.
constexpr const char* kSoname = "libpq.so.5";

struct Loaded {
  PqLibrary library{};
  std::string error;  // empty when loaded
};

Loaded load() {
  Loaded loaded;
  auto library = base::SharedLibrary::open(kSoname, "a state in PostgreSQL", "libpq5");
  if (!library) {
    loaded.error = library.error().message;
    return loaded;
  }
  PqLibrary& l = loaded.library;
  std::string& e = loaded.error;
  const bool ok =
      library->resolve("PQconnectdbParams", l.connectdb_params, e) &&
      library->resolve("PQstatus", l.status, e) &&
      library->resolve("PQerrorMessage", l.error_message, e) &&
      library->resolve("PQfinish", l.finish, e) && library->resolve("PQreset", l.reset, e) &&
      library->resolve("PQexec", l.exec, e) && library->resolve("PQexecParams", l.exec_params, e) &&
      library->resolve("PQresultStatus", l.result_status, e) &&
      library->resolve("PQresultErrorMessage", l.result_error_message, e) &&
      library->resolve("PQresultErrorField", l.result_error_field, e) &&
      library->resolve("PQclear", l.clear, e) && library->resolve("PQntuples", l.ntuples, e) &&
      library->resolve("PQgetvalue", l.getvalue, e) &&
      library->resolve("PQgetlength", l.getlength, e) &&
      library->resolve("PQgetisnull", l.getisnull, e) &&
      library->resolve("PQcmdTuples", l.cmd_tuples, e) &&
      library->resolve("PQunescapeBytea", l.unescape_bytea, e) &&
      library->resolve("PQfreemem", l.freemem, e) &&
      library->resolve("PQsetNoticeProcessor", l.set_notice_processor, e);
  if (!ok) {
    loaded.library = PqLibrary{};
  }
  return loaded;
}

}  // namespace

const PqLibrary& pq() {
  static const Loaded loaded = load();
  if (!loaded.error.empty()) {
    throw std::runtime_error(loaded.error);
  }
  return loaded.library;
}

}  // namespace plan_reminder::store::postgresql
