# People. Each user's team is a tag; permissions come from groups.

user "alice_nguyen" {
  name   = "alice.nguyen"
  path   = "/people/"
  groups = ["Admins", "SelfService"]
  tags   = { team = "platform" }
}

user "bruno_costa" {
  name   = "bruno.costa"
  path   = "/people/"
  groups = ["SelfService"]
  tags   = { team = "platform" }
}

user "chen_wei" {
  name   = "chen.wei"
  path   = "/people/"
  groups = ["Developers", "SelfService"]
  tags   = { team = "platform" }
}

user "dana_kowalski" {
  name   = "dana.kowalski"
  path   = "/people/"
  groups = ["Developers", "SelfService"]
  tags   = { team = "payments" }
}

user "emeka_obi" {
  name   = "emeka.obi"
  path   = "/people/"
  groups = ["Developers", "SelfService"]
  tags   = { team = "payments" }
}

user "fatima_haddad" {
  name   = "fatima.haddad"
  path   = "/people/"
  groups = ["Developers", "SelfService"]
  tags   = { team = "payments" }
}

user "gustavo_silva" {
  name   = "gustavo.silva"
  path   = "/people/"
  groups = ["Developers", "SelfService"]
  tags   = { team = "search" }
}

user "hana_sato" {
  name   = "hana.sato"
  path   = "/people/"
  groups = ["Developers", "SelfService"]
  tags   = { team = "search" }
}

user "ivan_petrov" {
  name   = "ivan.petrov"
  path   = "/people/"
  groups = ["Developers", "SelfService"]
  tags   = { team = "search" }
}

user "julia_schmidt" {
  name   = "julia.schmidt"
  path   = "/people/"
  groups = ["Developers", "SelfService"]
  tags   = { team = "mobile" }
}

user "kofi_mensah" {
  name   = "kofi.mensah"
  path   = "/people/"
  groups = ["Developers", "SelfService"]
  tags   = { team = "mobile" }
}

user "lena_berg" {
  name   = "lena.berg"
  path   = "/people/"
  groups = ["Developers", "SelfService"]
  tags   = { team = "mobile" }
}

user "mateo_rossi" {
  name   = "mateo.rossi"
  path   = "/people/"
  groups = ["Developers", "ReadOnly", "SelfService"]
  tags   = { team = "data" }
}

user "nadia_rahman" {
  name   = "nadia.rahman"
  path   = "/people/"
  groups = ["Developers", "ReadOnly", "SelfService"]
  tags   = { team = "data" }
}

user "oscar_lind" {
  name   = "oscar.lind"
  path   = "/people/"
  groups = ["ReadOnly", "SelfService"]
  tags   = { team = "data" }
}

user "priya_iyer" {
  name   = "priya.iyer"
  path   = "/people/"
  groups = ["SecurityAuditors", "ReadOnly", "SelfService"]
  tags   = { team = "security" }
}

user "quentin_moreau" {
  name   = "quentin.moreau"
  path   = "/people/"
  groups = ["SecurityAuditors", "SelfService"]
  tags   = { team = "security" }
}

user "rosa_jimenez" {
  name   = "rosa.jimenez"
  path   = "/people/"
  groups = ["Billing", "SelfService"]
  tags   = { team = "finance" }
}

user "samuel_okafor" {
  name   = "samuel.okafor"
  path   = "/people/"
  groups = ["Billing", "ReadOnly", "SelfService"]
  tags   = { team = "finance" }
}

user "tara_murphy" {
  name   = "tara.murphy"
  path   = "/people/"
  groups = ["ReadOnly", "SelfService"]
  tags   = { team = "support" }
}

user "umar_farouk" {
  name   = "umar.farouk"
  path   = "/people/"
  groups = ["ReadOnly", "SelfService"]
  tags   = { team = "support" }
}

user "valentina_greco" {
  name   = "valentina.greco"
  path   = "/people/"
  groups = ["ReadOnly", "SelfService"]
  tags   = { team = "support" }
}

user "wanjiru_kamau" {
  name   = "wanjiru.kamau"
  path   = "/people/"
  groups = ["Developers", "SelfService"]
  tags   = { team = "platform" }
}

user "xavier_dubois" {
  name   = "xavier.dubois"
  path   = "/people/"
  groups = ["Developers", "SelfService"]
  tags   = { team = "search" }
}

user "yara_haddad" {
  name   = "yara.haddad"
  path   = "/people/"
  groups = ["Developers", "SelfService"]
  tags   = { team = "payments" }
}

user "zoe_walker" {
  name   = "zoe.walker"
  path   = "/people/"
  groups = ["Developers", "SelfService"]
  tags   = { team = "mobile" }
}

# Machine users. The reporting robot keeps one key; its id is recorded
# once it exists, until then any single key satisfies the declaration.
user "reporting_bot" {
  name = "svc-reporting"
  path = "/service/"
  tags = { team = "data", owner = "nadia.rahman" }

  managed_policy_arns = [policy.read_reports_bucket.arn]
}

user "backup_bot" {
  name                 = "svc-backup"
  path                 = "/service/"
  permissions_boundary = policy.service_boundary.arn
  tags                 = { team = "platform" }

  inline_policy "write-backups" {
    document = file("policies/write-backups.json")
  }
}
