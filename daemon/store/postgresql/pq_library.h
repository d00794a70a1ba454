// libpq, loaded on first use rather than linked: it brings OpenSSL, Kerberos, LDAP, SASL and
// GnuTLS with it (libssl, libgssapi_krb5, libldap, libgnutls and theirs), megabytes of
// resident memory in a daemon that must stay under 10 MB idle (tests/bench/idle_bench.sh),
// though only a state in PostgreSQL needs it. The pattern is mail/curl_library.h's.
#pragma once

#include <libpq-fe.h>

namespace plan_reminder::store::postgresql {

// The libpq functions the store uses, typed from libpq-fe.h so that a mismatch fails to
// compile.
struct PqLibrary {
  decltype(&::PQconnectdbParams) connectdb_params;
  decltype(&::PQstatus) status;
  decltype(&::PQerrorMessage) error_message;
  decltype(&::PQfinish) finish;
  decltype(&::PQreset) reset;
  decltype(&::PQexec) exec;
  decltype(&::PQexecParams) exec_params;
  decltype(&::PQresultStatus) result_status;
  decltype(&::PQresultErrorMessage) result_error_message;
  decltype(&::PQresultErrorField) result_error_field;
  decltype(&::PQclear) clear;
  decltype(&::PQntuples) ntuples;
  decltype(&::PQgetvalue) getvalue;
  decltype(&::PQgetlength) getlength;
  decltype(&::PQgetisnull) getisnull;
  decltype(&::PQcmdTuples) cmd_tuples;
  decltype(&::PQunescapeBytea) unescape_bytea;
  decltype(&::PQfreemem) freemem;
  decltype(&::PQsetNoticeProcessor) set_notice_processor;
};

// libpq (libpq.so.5), loaded once for the process (thread-safe) and never unloaded. Throws
// std::runtime_error saying why when it cannot be (e.g. the libpq5 package is missing).
const PqLibrary& pq();

}  // namespace plan_reminder::store::postgresql
