using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Livechat.Server.Rooms;

/// <summary>A room's queue entry (Rocket.Chat's <c>ILivechatInquiryRecord</c>); deleted when the room closes.</summary>
public sealed class Inquiry
{
    public required string Id { get; init; }
    public required string Rid { get; init; }
    public required string Name { get; set; }
    public string Message { get; set; } = "";
    public string Status { get; set; } = "queued";
    public required string VisitorId { get; set; }
    public required string VisitorUsername { get; set; }
    public required string VisitorToken { get; set; }
    public string VisitorStatus { get; set; } = "online";
    public string? Department { get; set; }
    public required DateTime Ts { get; init; }
    public required DateTime QueuedAt { get; set; }
    public DateTime? TakenAt { get; set; }
    public required DateTime UpdatedAt { get; set; }
    public string? PriorityId { get; set; }
    public int PriorityWeight { get; set; } = LivechatRoom.NoPriorityWeight;
    public string? SlaId { get; set; }
    public int EstimatedWaitingTimeQueue { get; set; } = LivechatRoom.NoSlaWaitingTime;
    public string SourceType { get; set; } = "api";
    public string? SourceDestination { get; set; }
}

sealed class InquiryConfiguration : IEntityTypeConfiguration<Inquiry>
{
    public void Configure(EntityTypeBuilder<Inquiry> b)
    {
        b.ToTable("inquiries");
        b.HasKey(i => i.Id);
        b.HasIndex(i => i.Rid).IsUnique();
        b.HasIndex(i => new { i.Status, i.Department });
        // Looked up by SLA only with one (an SLA's edit or removal): inquiries without one add no entry.
        b.HasIndex(i => i.SlaId).HasFilter("\"SlaId\" IS NOT NULL");
    }
}
