# Money in yuan reads as 158,000.00 in Chinese financial documents; Django's zh_Hans default
# has no separator.
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
