// XML of Office documents through pugixml, known only in intake/. pugixml never reads a DOCTYPE
// (its parse_doctype flag is off) and expands no entity but the five predefined ones and
// character references, so an entity bomb or an external entity stays plain text.
#pragma once

#include "base/result.h"

#include <pugixml.hpp>

#include <memory>

#include <string>
#include <string_view>

namespace plan_reminder::intake {

// Parses `xml` (the part `part` of `file`); an error names both and where the XML broke.
base::Result<std::unique_ptr<pugi::xml_document>> parse_xml(std::string_view xml,
                                                            const std::string& file,
                                                            const std::string& part);

// The name of an element without its namespace prefix: "tbl" for "w:tbl".
std::string_view local_name(const pugi::xml_node& node);

// The first child element of that local name, or an empty node.
pugi::xml_node child_named(const pugi::xml_node& node, std::string_view name);

// An attribute by local name ("val" finds "w:val").
pugi::xml_attribute attribute_named(const pugi::xml_node& node, std::string_view name);

}  // namespace plan_reminder::intake
