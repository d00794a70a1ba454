// Lead and support names as tables write them ("WWiN and Police", "Council, Women's Aid and
// OPCC", "TfC with support from the Domestic Abuse Strategic Projects Group") mapped to the
// directory's agency ids, by id, name or `aliases:`. An unknown name is an error, never a guess.
#pragma once

#include "base/result.h"
#include "plan/model.h"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace plan_reminder::intake {

struct LeadAndSupport {
  std::vector<std::string> lead;
  std::vector<std::string> support;
};

class AgencyNames {
 public:
  explicit AgencyNames(const plan::Directory& directory);

  // The agencies a Lead agency cell names: leads, then those after "with support from".
  // The error says which name is unknown and, for a near miss, which one was meant.
  base::Result<LeadAndSupport> read(std::string_view cell) const;

 private:
  base::Result<std::vector<std::string>> read_list(std::string_view text) const;
  std::string unknown(std::string_view name) const;

  std::map<std::string, std::string, std::less<>> ids_;  // folded name -> agency id
  std::string directory_file_;
};

// A name folded for comparison: ASCII case, runs of white space as one space, typographic
// apostrophes as "'", no trailing full stop.
std::string fold_name(std::string_view name);

}  // namespace plan_reminder::intake
