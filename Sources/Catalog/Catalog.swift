/// The archive's SQLite catalog.
package final class Catalog {}
