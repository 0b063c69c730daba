# A block type iamsync does not know is rejected by the schema.
resource "aws_iam_user" "alice" {
  name = "alice"
}
