#ifndef CANDOR_CCMARKGFM_SHIM_H
#define CANDOR_CCMARKGFM_SHIM_H

// CommonMark with GitHub's extensions (tables, autolinks, strikethrough).
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#endif
