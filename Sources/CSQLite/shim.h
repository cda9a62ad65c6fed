#include <sqlite3.h>

/// A virtual table and a cursor that carry a pointer to their Swift owner after SQLite's own
/// fields (the layout SQLite's virtual-table interface asks for).
typedef struct hoso_vtab {
    sqlite3_vtab base;
    void *owner;
} hoso_vtab;

typedef struct hoso_cursor {
    sqlite3_vtab_cursor base;
    void *owner;
} hoso_cursor;

/// SQLITE_TRANSIENT as a function pointer Swift can pass (the macro is a cast of -1).
static inline sqlite3_destructor_type hoso_sqlite_transient(void) { return SQLITE_TRANSIENT; }
