# Lookups of entities that HCL rejects name the entity, its for_each keys and a close key.
locals {
  names = { alice = "x", bob = "y" }
  which = "alcie"
}
user "people" {
  for_each = local.names
}
user "single" {}
group "g" {
  for_each = toset(["ops", "dev"])
  name = each.key
}
user "z" {
  tags = {
    a = user.people["alcie"].name
    b = user.people[local.which].arn
    c = user.single["x"].name
    d = user.people.name
    e = group.g["opps"].name
    f = user.single.id
    g = user.many["k"].arn
  }
}
user "many" {
  for_each = toset([for i in range(8) : "u${i}"])
}
