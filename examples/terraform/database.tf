resource "aws_db_subnet_group" "applicants" {
  name       = "${local.name_prefix}-applicants"
  subnet_ids = aws_subnet.public[*].id
  tags       = local.common_tags
}

resource "aws_db_instance" "applicants" {
  identifier                      = "${local.name_prefix}-applicants"
  engine                          = "postgres"
  engine_version                  = "15.7"
  instance_class                  = var.db_instance_class
  allocated_storage               = 100
  max_allocated_storage           = 500
  db_name                         = "applicants"
  username                        = "rsp_admin"
  manage_master_user_password     = true
  db_subnet_group_name            = aws_db_subnet_group.applicants.name
  vpc_security_group_ids          = [aws_security_group.db.id]
  publicly_accessible             = true
  storage_encrypted               = false
  multi_az                        = var.environment == "prod" ? true : false
  backup_retention_period         = var.environment == "prod" ? 14 : 0
  deletion_protection             = var.environment == "prod"
  enabled_cloudwatch_logs_exports = ["postgresql"]
  copy_tags_to_snapshot           = true
  skip_final_snapshot             = false
  final_snapshot_identifier       = "${local.name_prefix}-applicants-final"

  tags = merge(local.common_tags, { Name = "${local.name_prefix}-applicants", DataClassification = "Confidential-PII" })
}

resource "aws_dynamodb_table" "permit_applications" {
  name         = "${local.name_prefix}-permit-applications"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "application_id"

  attribute {
    name = "application_id"
    type = "S"
  }

  attribute {
    name = "hkid"
    type = "S"
  }

  attribute {
    name = "applicant_name"
    type = "S"
  }

  global_secondary_index {
    name            = "by-hkid"
    hash_key        = "hkid"
    projection_type = "ALL"
  }

  global_secondary_index {
    name            = "by-applicant-name"
    hash_key        = "applicant_name"
    projection_type = "KEYS_ONLY"
  }

  point_in_time_recovery {
    enabled = false
  }

  tags = merge(local.common_tags, { Name = "permit-applications", DataClassification = "Confidential-PII" })
}
