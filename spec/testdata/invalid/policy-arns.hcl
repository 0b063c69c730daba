# Malformed ARNs and ARNs of another account or partition.
user "alice" {
  managed_policy_arns = [
    "ReadOnlyAccess",
    "arn:aws:iam::aws:policy/ReadOnlyAccess",
    "arn:aws:iam::aws:policy/ReadOnlyAccess",
    "arn:aws:iam::999999999999:policy/Other",
    "arn:aws-cn:iam::aws:policy/ReadOnlyAccess",
  ]
  permissions_boundary = "arn:aws:iam::123456789012:role/NotAPolicy"
}
