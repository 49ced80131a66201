using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Livechat.Server.Files;

/// <summary>
/// A file uploaded to a room (Rocket.Chat's <c>rocketchat_uploads</c>). Its bytes are in <see cref="IFileStorage"/> under
/// <see cref="Id"/>; <see cref="MessageId"/> is set once a message carries it (at once for a visitor's upload, at
/// <c>rooms.mediaConfirm</c> for an agent's).
/// </summary>
public sealed class Upload
{
    public required string Id { get; init; }
    public required string Rid { get; init; }

    /// <summary>The uploader: a user's id, or the visitor's id for <c>livechat/upload</c>.</summary>
    public required string UserId { get; init; }

    public required string Name { get; init; }
    public required string Type { get; init; }
    public required long Size { get; init; }
    public required DateTime UploadedAt { get; init; }
    public string? MessageId { get; set; }
}

sealed class UploadConfiguration : IEntityTypeConfiguration<Upload>
{
    public void Configure(EntityTypeBuilder<Upload> b)
    {
        b.ToTable("uploads");
        b.HasKey(u => u.Id);
        b.HasIndex(u => u.Rid);
    }
}
