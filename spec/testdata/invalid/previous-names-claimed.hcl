# Two users that list the same previous name, and a previous name that differs from the name only in case.
user "x" {
  name           = "ann2"
  previous_names = ["ann"]
}

user "y" {
  name           = "ann3"
  previous_names = ["Ann"]
}

user "sam" {
  name           = "Sam.Contractor"
  previous_names = ["sam.contractor"]
}
