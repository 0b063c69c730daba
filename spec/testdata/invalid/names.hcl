# IAM name rules per type: characters and lengths.
user "bad_chars" {
  name = "alice smith"
}

user "too_long" {
  name = "a234567890123456789012345678901234567890123456789012345678901234567890"
}

role "role_too_long" {
  name               = "r234567890123456789012345678901234567890123456789012345678901234567890"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

group "empty" {
  name = ""
}

user "apostrophe" {
  name = "carol.o'neil"
}
