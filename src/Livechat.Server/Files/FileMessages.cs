using System.Text.Json.Nodes;
using Livechat.Server.Data;
using Livechat.Server.Messages;
using Livechat.Server.Rooms;
using Livechat.Server.Settings;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Files;

/// <summary>
/// A file message as Rocket.Chat's <c>sendFileMessage</c> / <c>sendFileLivechatMessage</c> build it: an empty
/// <c>msg</c>, the upload as <c>file</c> and <c>files</c>, and one <c>type: "file"</c> attachment linking
/// <c>/file-upload/:id/:name</c> (with <c>image_url</c> for images, so the widget shows them).
/// </summary>
public static class FileMessages
{
    public static string UrlOf(Upload upload) => $"/file-upload/{upload.Id}/{Uri.EscapeDataString(upload.Name)}";

    public static string Json(Upload upload, string? description, DateTime ts)
    {
        var url = UrlOf(upload);
        var format = Path.GetExtension(upload.Name).TrimStart('.').ToLowerInvariant();
        JsonObject File() => new() { ["_id"] = upload.Id, ["name"] = upload.Name, ["type"] = upload.Type, ["size"] = upload.Size, ["format"] = format };
        var attachment = new JsonObject
        {
            ["ts"] = ts.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
            ["title"] = upload.Name,
            ["title_link"] = url,
            ["title_link_download"] = true,
            ["type"] = "file",
        };
        if (!string.IsNullOrEmpty(description)) attachment["description"] = description;
        if (upload.Type.StartsWith("image/", StringComparison.Ordinal))
        {
            attachment["image_url"] = url;
            attachment["image_type"] = upload.Type;
            attachment["image_size"] = upload.Size;
        }
        else
        {
            attachment["format"] = format;
            attachment["size"] = upload.Size;
        }
        return new JsonObject { ["file"] = File(), ["files"] = new JsonArray(File()), ["attachments"] = new JsonArray(attachment) }.ToJsonString();
    }

    /// <summary>Whether uploads are on: Rocket.Chat's <c>FileUpload_Enabled</c>, and for livechat <c>Livechat_fileupload_enabled</c>.</summary>
    public static async Task<bool> EnabledAsync(SettingsStore settings, CancellationToken ct) =>
        await settings.GetBoolAsync("FileUpload_Enabled", ct) && await settings.GetBoolAsync("Livechat_fileupload_enabled", ct);

    /// <summary>
    /// Writes <paramref name="message"/> through the messages' one append (<see cref="RoomMessages.Prepare"/>), with
    /// the tracked change <paramref name="track"/> makes (the upload's row) in the same transaction. The room is read
    /// again when the first attempt meets a concurrent write; <paramref name="refusal"/> checks it each time.
    /// </summary>
    public static Task<Http.ApiError?> AppendAsync(LivechatDb db, Writes writes, Message message, Func<LivechatRoom?, Http.ApiError?> refusal,
        Action track, CancellationToken ct) =>
        writes.RetryOnConflictAsync(db, async locked =>
        {
            var rooms = locked ? RoomLocks.Locked(db, message.Rid) : db.Rooms.Where(r => r.Id == message.Rid);
            var room = await rooms.AsNoTracking().SingleOrDefaultAsync(ct);
            if (refusal(room) is { } refused) return refused;
            track();
            await writes.SaveAsync(db, ct, RoomMessages.Prepare(db, room!, message));
            return null;
        }, ct);

    /// <summary>
    /// Removes the upload rows of <paramref name="roomIds"/> (inside the caller's transaction) and answers their ids,
    /// whose bytes the caller deletes after its commit (<see cref="DeleteBytesAsync"/>).
    /// </summary>
    public static async Task<List<string>> DeleteRowsAsync(LivechatDb db, IQueryable<string> roomIds, CancellationToken ct)
    {
        var ids = await db.Uploads.Where(u => roomIds.Contains(u.Rid)).Select(u => u.Id).ToListAsync(ct);
        await db.Uploads.Where(u => roomIds.Contains(u.Rid)).ExecuteDeleteAsync(ct);
        return ids;
    }

    public static async Task DeleteBytesAsync(IFileStorage storage, IEnumerable<string> ids, CancellationToken ct)
    {
        foreach (var id in ids) await storage.DeleteAsync(id, ct);
    }
}
