# Two user blocks with one label; the error names the first declaration.
user "alice" {}

user "alice" {
  name = "alice2"
}
