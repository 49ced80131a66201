using Livechat.Server.Data;
using Livechat.Server.Events;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Livechat.Server.Rooms;

/// <summary>
/// A livechat room (type <c>l</c>); nested Rocket.Chat objects (<c>v</c>, <c>servedBy</c>…) are flattened into columns.
/// <see cref="TrackedAttribute"/> marks the fields change events report; the rest (counters, <c>lastMessage</c>,
/// <c>_updatedAt</c>, <c>_version</c>, response metrics, the denormalised <c>v.status</c>) is bookkeeping.
/// </summary>
public sealed class LivechatRoom : IVersioned
{
    public const int NoPriorityWeight = 99;
    public const int NoSlaWaitingTime = 9999999;

    public required string Id { get; init; }
    [Tracked("fname")]
    public required string Fname { get; set; }
    public int Msgs { get; set; }
    public int UsersCount { get; set; } = 1;
    public required DateTime Ts { get; init; }
    public DateTime? Lm { get; set; }
    public required DateTime UpdatedAt { get; set; }
    [Tracked("open")]
    public bool Open { get; set; } = true;
    public bool WaitingResponse { get; set; } = true;

    public required string VisitorId { get; set; }
    public required string VisitorUsername { get; set; }
    public required string VisitorToken { get; set; }
    public string VisitorStatus { get; set; } = "online";
    public DateTime? VisitorLastMessageTs { get; set; }

    [Tracked("servedBy", Username = nameof(ServedByUsername))]
    public string? ServedById { get; set; }
    public string? ServedByUsername { get; set; }
    public DateTime? ServedByTs { get; set; }

    [Tracked("departmentId")]
    public string? DepartmentId { get; set; }
    public string SourceType { get; set; } = "api";
    public string? SourceDestination { get; set; }
    public DateTime? QueuedAt { get; set; }

    public string? ResponseById { get; set; }
    public string? ResponseByUsername { get; set; }
    public DateTime? FirstResponseTs { get; set; }
    public DateTime? ResponseLastMessageTs { get; set; }

    /// <summary>The last message's wire form, as JSON text.</summary>
    public string? LastMessage { get; set; }

    [Tracked("topic")]
    public string? Topic { get; set; }
    [Tracked("tags")]
    public List<string>? Tags { get; set; }
    [Tracked("livechatData")]
    public Dictionary<string, string>? LivechatData { get; set; }
    [Tracked("priorityId")]
    public string? PriorityId { get; set; }
    public int PriorityWeight { get; set; } = NoPriorityWeight;
    [Tracked("slaId")]
    public string? SlaId { get; set; }
    // Derived from the SLA: realtime (the queue order) wants it, the audit log has slaId.
    [Tracked("estimatedWaitingTimeQueue", Audited = false)]
    public int EstimatedWaitingTimeQueue { get; set; } = NoSlaWaitingTime;

    /// <summary>SMS rooms only, as JSON text (never created by this server's endpoints).</summary>
    public string? Sms { get; set; }

    /// <summary>Rocket.Chat EE's <c>onHold</c>: the agent paused the chat (<c>livechat/room.onHold</c>, or abandonment).</summary>
    [Tracked("onHold")]
    public bool OnHold { get; set; }

    /// <summary>
    /// The agent's last reply (<see cref="ResponseLastMessageTs"/>) that abandonment already put the room on hold for:
    /// after a resume the room is abandoned again only after a newer reply, as Rocket.Chat unsets
    /// <c>omnichannel.predictedVisitorAbandonmentAt</c>.
    /// </summary>
    public DateTime? AbandonedResponseTs { get; set; }

    [Tracked("closedAt")]
    public DateTime? ClosedAt { get; set; }
    [Tracked("closedBy", Username = nameof(ClosedByUsername))]
    public string? ClosedById { get; set; }
    public string? ClosedByUsername { get; set; }
    [Tracked("closer")]
    public string? Closer { get; set; }
    public double? ChatDuration { get; set; }
    public double? ServiceTimeDuration { get; set; }

    /// <summary>The text the CRM webhook last answered (Rocket.Chat stores the response body as text).</summary>
    [Tracked("crmData", Webhook = false)]   // the webhook's own answer writes it: sending for it would loop
    public string? CrmData { get; set; }

    /// <summary>The visitor's answers to the satisfaction survey (<c>livechat/room.survey</c>), Rocket.Chat's <c>surveyFeedback</c>.</summary>
    public Dictionary<string, string>? SurveyFeedback { get; set; }

    /// <summary>Optimistic-concurrency version (<c>_version</c>), changed by every committed write.</summary>
    public int Version { get; set; } = 1;
}

sealed class LivechatRoomConfiguration : IEntityTypeConfiguration<LivechatRoom>
{
    public void Configure(EntityTypeBuilder<LivechatRoom> b)
    {
        b.ToTable("rooms");
        b.HasKey(r => r.Id);
        b.Property(r => r.Version).IsConcurrencyToken();
        b.Property(r => r.LivechatData).HasJsonConversion();
        b.Property(r => r.SurveyFeedback).HasJsonConversion();
        b.HasIndex(r => new { r.VisitorId, r.Open });
        // At most one open room per visitor, even when two requests open one at the same moment.
        b.HasIndex(r => r.VisitorId).IsUnique().HasFilter("\"Open\"").HasDatabaseName("IX_rooms_OneOpenRoomPerVisitor");
        b.HasIndex(r => new { r.Open, r.ServedById });
        b.HasIndex(r => new { r.ServedById, r.Ts });
        b.HasIndex(r => new { r.DepartmentId, r.Ts });
        b.HasIndex(r => r.Ts);
        b.HasIndex(r => r.ClosedAt);
        // Only rooms with an SLA are looked up by it (an SLA's edit or removal), so rooms without one add no entry; no
        // query looks rooms up by priority, so that has no index.
        b.HasIndex(r => r.SlaId).HasFilter("\"SlaId\" IS NOT NULL");
    }
}
