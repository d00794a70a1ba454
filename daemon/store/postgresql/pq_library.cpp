#include "store/postgresql/pq_library.h"

#include "base/shared_library.h"

#include <string>

namespace plan_reminder::store::postgresql {
namespace {

// The soname of libpq 5 (Debian's libpq5 package), whatever the server's version.
constexpr const char* kSoname = "libpq.so.5";

bool resolve_all(const base::SharedLibrary& library, PqLibrary& l, std::string& e) {
  return library.resolve("PQconnectdbParams", l.connectdb_params, e) &&
         library.resolve("PQstatus", l.status, e) &&
         library.resolve("PQerrorMessage", l.error_message, e) &&
         library.resolve("PQfinish", l.finish, e) && library.resolve("PQreset", l.reset, e) &&
         library.resolve("PQexec", l.exec, e) &&
         library.resolve("PQexecParams", l.exec_params, e) &&
         library.resolve("PQresultStatus", l.result_status, e) &&
         library.resolve("PQresultErrorMessage", l.result_error_message, e) &&
         library.resolve("PQresultErrorField", l.result_error_field, e) &&
         library.resolve("PQclear", l.clear, e) && library.resolve("PQntuples", l.ntuples, e) &&
         library.resolve("PQgetvalue", l.getvalue, e) &&
         library.resolve("PQgetlength", l.getlength, e) &&
         library.resolve("PQgetisnull", l.getisnull, e) &&
         library.resolve("PQcmdTuples", l.cmd_tuples, e) &&
         library.resolve("PQunescapeBytea", l.unescape_bytea, e) &&
         library.resolve("PQfreemem", l.freemem, e) &&
         library.resolve("PQsetNoticeProcessor", l.set_notice_processor, e);
}

}  // namespace

const PqLibrary& pq() {
  static const auto loaded =
      base::load_functions<PqLibrary>(kSoname, "a state in PostgreSQL", "libpq5", resolve_all);
  return loaded.get();
}

}  // namespace plan_reminder::store::postgresql
