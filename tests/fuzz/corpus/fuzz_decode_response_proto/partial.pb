
3 records too old