/*
 * citygrid.h: the client's internal header.  Prototypes are grouped
 * under the file they live in.
 */
#ifndef CITYGRID_H
#define CITYGRID_H

#include "cg.h"

#endif /* CITYGRID_H */
