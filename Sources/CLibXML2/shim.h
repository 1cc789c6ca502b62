#ifndef CANDOR_CLIBXML2_SHIM_H
#define CANDOR_CLIBXML2_SHIM_H

// libxml2's forgiving HTML parser and its tree API.
#include <libxml/xmlversion.h>
// Debian's libxml2 is built with ICU, so its encoding header would pull in the
// system's ICU headers, whose declarations clash with the ICU copy inside
// Foundation. Candor only hands libxml2 UTF-8 and never touches the ICU fields
// of an encoding handler (it only holds pointers to handlers), so it is
// compiled as if ICU were off.
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>

#endif
