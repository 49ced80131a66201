using Livechat.Server.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Livechat.Server.Mail;

/// <summary>
/// An e-mail waiting to be sent (the mail outbox): written in the same transaction as the write that causes it (a
/// transcript request, a room's close, an offline message), sent after commit by <see cref="MailWorker"/>, retried with
/// backoff, kept with its last error when given up. The body is composed when the row is written, so a transcript shows
/// the conversation as it was at that moment.
/// </summary>
public sealed class OutgoingMail
{
    public required string Id { get; init; }

    /// <summary><c>transcript</c> or <c>offline-message</c>.</summary>
    public required string Kind { get; init; }

    public string? RoomId { get; init; }

    /// <summary>The recipients, comma-separated.</summary>
    public required string To { get; init; }

    /// <summary>The sender's display name (the visitor's, for an offline message); the address is always <c>From_Email</c>.</summary>
    public string? FromName { get; init; }

    /// <summary>An RFC 5322 address (<c>Name &lt;a@b&gt;</c> or <c>a@b</c>), null for <c>From_Email</c>.</summary>
    public string? ReplyTo { get; init; }

    public required string Subject { get; init; }
    public required string Text { get; init; }
    public required string Html { get; init; }

    public required DateTime CreatedAt { get; init; }
    public int Attempts { get; set; }
    public required DateTime NextAttemptAt { get; set; }

    /// <summary>A worker owns the row until then (several server processes may share one database).</summary>
    public DateTime? LockedUntil { get; set; }

    public OutboxStatus Status { get; set; } = OutboxStatus.Pending;
    public string? LastError { get; set; }
    public DateTime? SentAt { get; set; }
}

sealed class OutgoingMailConfiguration : IEntityTypeConfiguration<OutgoingMail>
{
    public void Configure(EntityTypeBuilder<OutgoingMail> b)
    {
        b.ToTable("mail_outbox");
        b.HasKey(m => m.Id);
        b.HasIndex(m => new { m.Status, m.NextAttemptAt });
        b.HasIndex(m => m.CreatedAt);
        b.HasIndex(m => m.RoomId);
    }
}

/// <summary>
/// An agent's request (<c>livechat/transcript/:rid</c>, Rocket.Chat's <c>requestTranscript</c>) to e-mail the
/// transcript when the room closes; at most one per room.
/// </summary>
public sealed class TranscriptRequest
{
    public required string RoomId { get; init; }
    public required string Email { get; init; }
    public required string Subject { get; init; }
    public required DateTime RequestedAt { get; init; }
    public required string RequestedById { get; init; }
    public required string RequestedByUsername { get; init; }
}

sealed class TranscriptRequestConfiguration : IEntityTypeConfiguration<TranscriptRequest>
{
    public void Configure(EntityTypeBuilder<TranscriptRequest> b)
    {
        b.ToTable("transcript_requests");
        b.HasKey(r => r.RoomId);
    }
}
