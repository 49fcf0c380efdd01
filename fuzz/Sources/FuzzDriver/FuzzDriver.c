// Header-only: see include/FuzzDriver.h. SwiftPM needs one source file per C target.
