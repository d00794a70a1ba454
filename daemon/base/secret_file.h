// Secrets named in the config (the SMTP password, the key that signs web links): where each one
// is (a file, or a systemd credential under $CREDENTIALS_DIRECTORY) and reading it. Every error
// names the file and what is wrong with it, never its content.
#pragma once

#include "base/result.h"

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace plan_reminder::base {

// The file that holds a secret: `file` when given, else the systemd credential named
// `credential` under $CREDENTIALS_DIRECTORY (which systemd sets for LoadCredential=).
// `setting` is the config section the two come from and `file_key` the key of the file, for
// errors ("transport.smtp" and "password_file", "web" and "secret_file").
Result<std::string> secret_file_path(const std::string& file, const std::string& credential,
                                     std::string_view setting, std::string_view file_key);

// Reads the secret file at `path` into `into` and returns how many bytes it holds. Refused: a
// file that cannot be opened, that is not a regular file (a FIFO never blocks the reader), that
// every user may read or write, or that holds more than into.size() bytes. `what` names the
// file in errors: "the SMTP password file" gives "cannot read the SMTP password file PATH: ...".
// `into` may be memory the caller keeps locked and wipes: nothing else holds the bytes.
Result<std::size_t> read_secret_file(const std::string& path, std::string_view what,
                                     std::span<char> into);

// Makes the secret file at `path` holding `bytes`, readable by its owner alone (0600), unless a
// file is already there: true when it made it, false when one was there (it is then left as
// it is). Never follows a symbolic link; a missing folder is made (0700). A file half written
// (a full disk) is removed.
Result<bool> create_secret_file(const std::string& path, std::span<const char> bytes);

}  // namespace plan_reminder::base
