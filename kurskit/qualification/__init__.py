"""Qualification: attempts policy, review, pools, certificates, verification."""
