// Whether a SQLite state needs its integrity check when it is opened. `PRAGMA quick_check`
// reads every page: on a national state (hundreds of megabytes of sent emails) it is a third of
// a `run --once`. It is skipped only for a file exactly as plan-reminder left it when it last
// closed it: same device, inode, size, modification and change times (the kernel moves the
// change time on every write, and nobody can set it back), with no write-ahead log waiting.
// Anything else (a first open, a restored or copied file, a crash, another program's write, a
// concurrent process) is checked. Damage that touches none of these (a disk's own fault) is
// still found when SQLite reads the page, and said the same way (see the store's `guarded`).
#pragma once

#include <string>

namespace plan_reminder::store::sqlite {

// The file beside the state that holds its stamp at the last clean close: "STATE.checked".
std::string clean_close_file(const std::string& state_path);

// True when the state at `state_path` is as a clean close left it (see above).
bool unchanged_since_clean_close(const std::string& state_path);

// Notes the state's stamp after its connection closed, when its write-ahead log is gone or
// empty (this was the last connection); otherwise removes any older note. Never throws: a note
// that cannot be written only means the next open checks.
void note_clean_close(const std::string& state_path);

// Removes the note: the state was found damaged, so the next open must check it.
void forget_clean_close(const std::string& state_path);

}  // namespace plan_reminder::store::sqlite
