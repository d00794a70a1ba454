// Parsing Office XML parts safely, and finding elements whatever prefix a writer chose.
#include "intake/office_xml.h"

#include <memory>

namespace plan_reminder::intake {
namespace {

std::string_view without_prefix(std::string_view name) {
  const auto colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

}  // namespace

base::Result<std::unique_ptr<pugi::xml_document>> parse_xml(std::string_view xml,
                                                            const std::string& file,
                                                            const std::string& part) {
  auto document = std::make_unique<pugi::xml_document>();
  // parse_default: no DOCTYPE node, no custom entities; escapes are only &amp; &lt; &gt; &quot;
  // &apos; and &#...; (pugixml has no way to resolve anything else).
  const unsigned options = pugi::parse_default & ~pugi::parse_doctype;
  pugi::xml_parse_result result =
      document->load_buffer(xml.data(), xml.size(), options, pugi::encoding_utf8);
  if (!result) {
    return base::Error{file + ": the part " + part + " is not well-formed XML (at byte " +
                       std::to_string(result.offset) + ": " + result.description() + ")"};
  }
  return document;
}

std::string_view local_name(const pugi::xml_node& node) {
  return without_prefix(node.name());
}

pugi::xml_node child_named(const pugi::xml_node& node, std::string_view name) {
  for (pugi::xml_node child : node.children()) {
    if (child.type() == pugi::node_element && local_name(child) == name) {
      return child;
    }
  }
  return {};
}

pugi::xml_attribute attribute_named(const pugi::xml_node& node, std::string_view name) {
  for (pugi::xml_attribute attribute : node.attributes()) {
    if (without_prefix(attribute.name()) == name) {
      return attribute;
    }
  }
  return {};
}

}  // namespace plan_reminder::intake
