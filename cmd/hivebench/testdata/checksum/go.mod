module example.invalid/checksum

go 1.26
