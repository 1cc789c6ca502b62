#ifndef CANDOR_CLIBXML2_SHIM_H
#define CANDOR_CLIBXML2_SHIM_H

// libxml2's forgiving HTML parser and its tree API.
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>

#endif
