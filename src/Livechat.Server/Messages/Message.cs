using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Livechat.Server.Messages;

/// <summary>A message in a livechat room: a visitor's, an agent's, or a system message (<c>t</c> set).</summary>
public sealed class Message
{
    public required string Id { get; init; }
    public required string Rid { get; init; }
    public required string Msg { get; set; }
    public required DateTime Ts { get; init; }
    public required DateTime UpdatedAt { get; set; }
    public required string UserId { get; init; }
    public required string Username { get; init; }
    public string? UserDisplayName { get; init; }

    /// <summary>The visitor's token, on visitor messages only.</summary>
    public string? Token { get; init; }

    public string? Alias { get; init; }

    /// <summary>System message type (<c>livechat-close</c>, <c>omnichannel_priority_change_history</c>…).</summary>
    public string? T { get; init; }

    public bool? Groupable { get; init; }
    public bool? Unread { get; init; }

    /// <summary><c>priorityData</c> / <c>slaData</c> of the change-history messages, as JSON text.</summary>
    public string? PriorityData { get; init; }

    public string? SlaData { get; init; }

    /// <summary><c>transferData</c> of <c>livechat_transfer_history</c> messages, as JSON text.</summary>
    public string? TransferData { get; init; }

    /// <summary>The <c>comment</c> of on-hold system messages (<c>omnichannel_placed_chat_on_hold</c>, <c>…_resumed</c>).</summary>
    public string? Comment { get; init; }

    /// <summary>A file message's <c>file</c>, <c>files</c> and <c>attachments</c>, as one JSON object (Files/FileMessages.cs).</summary>
    public string? Files { get; init; }

    /// <summary>Set by an edit (<c>editedAt</c>, <c>editedBy</c>).</summary>
    public DateTime? EditedAt { get; set; }

    public string? EditedById { get; set; }
    public string? EditedByUsername { get; set; }

    /// <summary>Set when deleted, so <c>chat.syncMessages</c> can report it.</summary>
    public DateTime? DeletedAt { get; set; }
}

sealed class MessageConfiguration : IEntityTypeConfiguration<Message>
{
    public void Configure(EntityTypeBuilder<Message> b)
    {
        b.ToTable("messages");
        b.HasKey(m => m.Id);
        b.HasIndex(m => new { m.Rid, m.Ts });
        b.HasIndex(m => new { m.Rid, m.UpdatedAt });
    }
}
