import Codecs
import Segments
import Ingest
import Dedup
import ObjectStore
import Catalog
import Ledger
