// Reads the agency directory (SPEC §2): the partnership's role mailboxes and the agencies.
#include "plan/address.h"
#include "plan/loader_common.h"
#include "plan/loaders.h"

#include "base/ascii.h"

#include <map>
#include <set>

namespace plan_reminder::plan {
namespace {

std::vector<std::string> read_addresses(FileContext& context, const Entry& entry) {
  std::vector<std::string> addresses;
  std::vector<Entry> items;
  if (entry && entry.value->is_scalar()) {
    items.push_back(entry);  // `to: x@example.org` means a list of one
  } else {
    items = list_items(context, entry);
  }
  std::set<std::string, std::less<>> seen;  // folded: A@B.example is a@b.example
  for (const Entry& item : items) {
    auto text = read_text(context, item, Lines::one);
    if (!text) {
      continue;
    }
    std::string problem = address_problem(*text);
    if (!problem.empty()) {
      context.error(item.mark(), item.path,
                    quote_value(*text) + " is not an email address: it " + problem);
      continue;
    }
    if (!seen.insert(folded_address(*text)).second) {
      context.error(item.mark(), item.path, "address " + quote_value(*text) + " is listed twice");
      continue;
    }
    addresses.push_back(*text);
  }
  return addresses;
}

// `to:` with nothing in it: mail must never go to a role with no address.
bool is_empty_list(const Entry& entry) {
  return entry &&
         (entry.value->is_null() || (entry.value->is_sequence() && entry.value->items.empty()));
}

// A name shown in emails, as a display name or in the text: one line, no '<', '>' or '"'.
std::string read_name(FileContext& context, const Entry& entry) {
  auto name = read_text(context, entry, Lines::one);
  if (!name) {
    return {};
  }
  std::string problem = display_name_problem(*name);
  if (!problem.empty()) {
    context.error(entry.mark(), entry.path, "the name " + quote_value(*name) + " " + problem);
    return {};
  }
  return *name;
}

// The other names of an agency (`aliases: [WWiN]`), each one line.
std::vector<std::string> read_aliases(FileContext& context, const Entry& entry) {
  std::vector<std::string> aliases;
  for (const Entry& item : list_items(context, entry)) {
    if (auto alias = read_text(context, item, Lines::one)) {
      aliases.push_back(*alias);
    }
  }
  return aliases;
}

// A role mailbox: {name, to, cc}; an agency's (when `aliases` is given) may add `aliases:`.
Mailbox read_mailbox(FileContext& context, const Entry& entry, bool name_required,
                     std::vector<std::string>* aliases = nullptr) {
  Mailbox mailbox;
  MappingReader map = aliases != nullptr
                          ? MappingReader(context, entry, {"name", "to", "cc", "aliases"})
                          : MappingReader(context, entry, {"name", "to", "cc"});
  if (!map.valid()) {
    return mailbox;
  }
  if (aliases != nullptr) {
    *aliases = read_aliases(context, map.get("aliases"));
  }
  Entry name = name_required ? map.require("name", "the name used in emails") : map.get("name");
  mailbox.name = read_name(context, name);
  Entry to = map.require("to", "a list of email addresses");
  mailbox.to = read_addresses(context, to);
  if (is_empty_list(to)) {
    context.error(to.mark(), to.path, "has no address: at least one email address is needed");
  }
  mailbox.cc = read_addresses(context, map.get("cc"));
  return mailbox;
}

// An alias names one agency only: "Police" for two agencies could not be imported.
void check_aliases(FileContext& context, const Entry& entry, const Agency& agency,
                   std::map<std::string, std::string, std::less<>>& names) {
  for (const auto& alias : agency.aliases) {
    auto [first, inserted] = names.emplace(base::ascii_lower(alias), agency.id);
    if (!inserted && first->second != agency.id) {
      context.error(entry.mark(), child_path(entry.path, "aliases"),
                    "the alias " + quote_value(alias) + " is already an alias of agency " +
                        quote_value(first->second) + ": each alias names one agency");
    }
  }
}

}  // namespace

std::optional<Directory> parse_directory(std::string_view text, const std::string& file,
                                         Diagnostics& out) {
  FileContext context(file, FileKind::directory, out);
  auto root = parse_document(context, text);
  if (!root) {
    return std::nullopt;
  }
  Directory directory;
  directory.file = file;
  MappingReader top(context, Entry{nullptr, &*root, ""}, {"partnership", "agencies"});

  MappingReader partnership(context, top.require("partnership", "the partnership's roles"),
                            {"name", "chair", "coordinator", "digest"});
  directory.partnership = read_name(context, partnership.require("name", "the partnership's name"));
  directory.chair = read_mailbox(
      context, partnership.require("chair", "the chair's role mailbox: {name, to}"), true);
  directory.coordinator = read_mailbox(
      context, partnership.require("coordinator", "the DHR coordinator's mailbox: {name, to}"),
      true);

  MappingReader digest(context,
                       partnership.require("digest", "who receives the weekly digest: {to}"),
                       {"name", "to", "cc", "list"});
  if (digest.valid()) {
    directory.digest.name = read_name(context, digest.get("name"));
    Entry to = digest.require("to", "a list of email addresses");
    directory.digest.to = read_addresses(context, to);
    if (is_empty_list(to)) {
      context.error(to.mark(), to.path, "has no address: at least one email address is needed");
    }
    directory.digest.cc = read_addresses(context, digest.get("cc"));
    directory.digest_is_list = read_bool(context, digest.get("list")).value_or(false);
  }

  Entry agencies = top.require("agencies", "a mapping of agency ids to {name, to}");
  if (agencies && !agencies.value->is_mapping()) {
    context.error(agencies.mark(), agencies.path,
                  "expected a mapping of agency ids to {name, to}, found " +
                      std::string(yaml::describe(*agencies.value)));
  } else if (agencies) {
    std::map<std::string, int, std::less<>> seen;
    std::map<std::string, std::string, std::less<>> names;  // folded alias -> agency id
    for (const auto& [key, value] : agencies.value->entries) {
      Entry id_entry{nullptr, &key, agencies.path};
      auto id = read_slug(context, id_entry);
      if (!id) {
        continue;
      }
      Entry agency_entry{&key, &value, child_path(agencies.path, *id)};
      if (*id == kBoardLinkId) {
        // /feeds/board.ics is every agency's calendar: an agency of that id could not have its
        // own feed.
        context.error(key.mark, agency_entry.path,
                      "the agency id 'board' is reserved for the partnership's own links "
                      "(the board page and feed): choose another id");
        continue;
      }
      auto [first, inserted] = seen.emplace(*id, key.mark.line);
      if (!inserted) {
        context.error(key.mark, agency_entry.path,
                      "duplicate agency id " + quote_value(*id) + " (first given at line " +
                          std::to_string(first->second) + ")");
        continue;
      }
      Agency agency{*id, {}, {}};
      agency.mailbox = read_mailbox(context, agency_entry, true, &agency.aliases);
      check_aliases(context, agency_entry, agency, names);
      directory.agencies.emplace(*id, std::move(agency));
    }
    if (agencies.value->entries.empty()) {
      context.error(agencies.mark(), agencies.path, "expected at least one agency");
    }
  }
  return directory;
}

std::optional<Directory> load_directory(const std::string& file, Diagnostics& out) {
  base::Result<std::string> text = read_file(file);
  if (!text) {
    out.add(Diagnostic{file, 0, 0, "", "cannot read the agency directory: " + text.error().message,
                       FileKind::directory});
    return std::nullopt;
  }
  return parse_directory(*text, file, out);
}

}  // namespace plan_reminder::plan
