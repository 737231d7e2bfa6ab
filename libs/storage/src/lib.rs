//! Object storage by URL scheme (object_store): local files now, S3 later
