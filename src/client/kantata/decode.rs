//! Decoding Kantata's response format (placeholder; being written).
