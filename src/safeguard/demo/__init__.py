"""Every generator of records that are nobody's: the demo authority (fitted to the seed report's
figures), synthetic authorities of any size, and the demo's sign-in accounts and Senior Liaison
Officers. Nothing outside this package imports it but the command line's registration."""
