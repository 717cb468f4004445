#include <libxml/xmlversion.h>
// Debian's libxml2 is built with ICU, so encoding.h would include ICU's <unicode/ucnv.h>, whose enums
// clash with the copy Foundation carries (_FoundationICU) in the same Swift process. The hub never
// touches libxml2's converters (only pointers to them), so their ICU fields are left out of view.
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>
