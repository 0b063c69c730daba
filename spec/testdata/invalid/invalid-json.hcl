# A document with a JSON syntax error in a heredoc points at the error.
policy "broken" {
  document = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {"Effect": "Allow" "Action": "s3:GetObject", "Resource": "*"}
      ]
    }
  EOT
}
