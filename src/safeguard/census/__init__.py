"""What the DfE CIN census carries and the exchange format does not: CIN episodes, section 47
enquiries and the number of previous plans. Read and written by safeguard.exchange.census."""
