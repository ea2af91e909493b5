"""The platform's own data protection: the registry of what kurskit stores (one data file),
Auskunft (Art. 15/20 DSGVO), erasure (Art. 17), retention and the audit log."""
