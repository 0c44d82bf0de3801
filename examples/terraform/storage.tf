resource "aws_s3_bucket" "access_logs" {
  bucket = "${local.name_prefix}-s3-access-logs"
  tags   = merge(local.common_tags, { Name = "${local.name_prefix}-s3-access-logs", DataClassification = "Internal" })
}

resource "aws_s3_bucket_public_access_block" "access_logs" {
  bucket                  = aws_s3_bucket.access_logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_lifecycle_configuration" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  rule {
    id     = "expire-logs"
    status = "Enabled"

    filter {}

    expiration {
      days = 400
    }
  }
}

module "buckets" {
  source   = "./modules/secure_bucket"
  for_each = local.buckets

  name            = "${local.name_prefix}-${replace(each.key, "_", "-")}"
  purpose         = each.value.purpose
  kms_key_arn     = aws_kms_key.personal_data.arn
  log_bucket      = aws_s3_bucket.access_logs.id
  expiration_days = each.value.expiration_days
  tags            = merge(local.common_tags, { DataClassification = "Personal" })
}

resource "aws_s3_bucket" "applicant_records_export" {
  bucket = "${local.name_prefix}-applicant-records-export"
  tags   = merge(local.common_tags, { Name = "applicant-records-export", DataClassification = "Confidential-PII" })
}

resource "aws_s3_bucket_server_side_encryption_configuration" "applicant_records_export" {
  bucket = aws_s3_bucket.applicant_records_export.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_logging" "applicant_records_export" {
  bucket        = aws_s3_bucket.applicant_records_export.id
  target_bucket = aws_s3_bucket.access_logs.id
  target_prefix = "applicant-records-export/"
}

resource "aws_s3_bucket_lifecycle_configuration" "applicant_records_export" {
  bucket = aws_s3_bucket.applicant_records_export.id

  rule {
    id     = "expire-exports"
    status = "Enabled"

    filter {
      prefix = "exports/"
    }

    expiration {
      days = 30
    }
  }
}

data "aws_iam_policy_document" "applicant_records_export" {
  statement {
    sid       = "PartnerDownload"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.applicant_records_export.arn}/exports/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}

resource "aws_s3_bucket_policy" "applicant_records_export" {
  bucket = aws_s3_bucket.applicant_records_export.id
  policy = data.aws_iam_policy_document.applicant_records_export.json
}

resource "aws_s3_bucket" "www" {
  bucket = "${local.name_prefix}-www"
  tags   = merge(local.common_tags, { Name = "${local.name_prefix}-www", DataClassification = "Public" })
}

resource "aws_s3_bucket_website_configuration" "www" {
  bucket = aws_s3_bucket.www.id

  index_document {
    suffix = "index.html"
  }

  error_document {
    key = "error.html"
  }
}

resource "aws_s3_bucket_public_access_block" "www" {
  bucket                  = aws_s3_bucket.www.id
  block_public_acls       = true
  ignore_public_acls      = true
  block_public_policy     = false
  restrict_public_buckets = false
}

data "aws_iam_policy_document" "www_public_read" {
  statement {
    sid       = "PublicReadWebsite"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.www.arn}/*"]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
  }
}

resource "aws_s3_bucket_policy" "www" {
  bucket     = aws_s3_bucket.www.id
  policy     = data.aws_iam_policy_document.www_public_read.json
  depends_on = [aws_s3_bucket_public_access_block.www]
}
