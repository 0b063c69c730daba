# Eleven managed policies on a user exceed the default quota of ten.
user "alice" {
  managed_policy_arns = [for i in range(11) : "arn:aws:iam::aws:policy/P${i}"]
}
