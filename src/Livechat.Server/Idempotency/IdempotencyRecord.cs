using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Livechat.Server.Idempotency;

/// <summary>
/// One <c>Idempotency-Key</c> of one caller: reserved before the request runs, completed with the stored answer
/// afterwards, removed when it expires. The primary key makes the reservation race-free across server processes.
/// </summary>
public sealed class IdempotencyRecord
{
    /// <summary><c>u:&lt;user id&gt;</c>, <c>v:&lt;hash of the visitor token&gt;</c>, or <c>anonymous</c>.</summary>
    public required string Caller { get; init; }

    public required string Key { get; init; }

    /// <summary>SHA-256 of method, path with query, and body: the same key with another request is refused.</summary>
    public required string RequestHash { get; init; }

    public bool Completed { get; set; }

    /// <summary>While not completed: the first request is presumed running until then.</summary>
    public required DateTime LockedUntil { get; set; }

    public int? Status { get; set; }
    public string? ContentType { get; set; }
    public string? ETag { get; set; }

    /// <summary>The answer's <c>Preference-Applied</c> header (RFC 7240), replayed with it.</summary>
    public string? PreferenceApplied { get; set; }
    public string? Body { get; set; }
    public required DateTime CreatedAt { get; init; }
    public required DateTime ExpiresAt { get; init; }
}

sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> b)
    {
        b.ToTable("idempotency_keys");
        b.HasKey(k => new { k.Caller, k.Key });
        b.HasIndex(k => k.ExpiresAt);
    }
}
