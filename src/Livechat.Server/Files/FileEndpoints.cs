using System.Text.Json;
using System.Text.Json.Nodes;
using Livechat.Server.Data;
using Livechat.Server.Events;
using Livechat.Server.Http;
using Livechat.Server.Messages;
using Livechat.Server.Rooms;
using Livechat.Server.Security;
using Livechat.Server.Settings;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Files;

public static class FileEndpoints
{
    // POST livechat/upload/{rid}                 none (x-visitor-token: the room's visitor)
    // POST rooms.media/{rid}                      auth (the serving agent, or a user who joined the room)
    // POST rooms.mediaConfirm/{rid}/{fileId}      auth (the uploader, who may still post in the room)
    // GET  /file-upload/{id}/{name}               the room's visitor (rc_token) or a user who may see the room
    public static IEndpointRouteBuilder MapFiles(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1").WithTags("Files");
        var limit = new BodyLimit(UploadBodyLimitAsync);
        group.MapPost("/livechat/upload/{rid}", UploadAsVisitor).WithMetadata(limit).WithSummary("A visitor's file, sent as a message");
        group.MapPost("/rooms.media/{rid}", UploadAsAgent).WithMetadata(limit).RequireRocketChatAuth()
            .WithSummary("An agent's file, kept until rooms.mediaConfirm");
        group.MapPost("/rooms.mediaConfirm/{rid}/{fileId}", Confirm).RequireRocketChatAuth().WithSummary("Sends an uploaded file as a message");
        app.MapGet("/file-upload/{id}/{name}", Download).WithTags("Files").WithSummary("An uploaded file, to who may see its room");
        return app;
    }

    /// <summary>Multipart framing around the file (boundaries, part headers, small fields) on top of <c>FileUpload_MaxFileSize</c>.</summary>
    const long FormOverhead = 64 * 1024;

    static async ValueTask<long> UploadBodyLimitAsync(HttpContext http)
    {
        var max = await http.RequestServices.GetRequiredService<SettingsStore>().GetIntAsync("FileUpload_MaxFileSize", http.RequestAborted);
        var general = http.RequestServices.GetRequiredService<Limits>().MaxRequestBodyBytes;
        // Rocket.Chat: -1 lifts the limit; here the body is then bounded by the largest int, as the setting is.
        return Math.Max(general, (max < 0 ? int.MaxValue : max) + FormOverhead);
    }

    static async Task<Results<Ok<SpreadMessageResponse>, ApiError>> UploadAsVisitor(string rid, HttpRequest http, LivechatDb db,
        SettingsStore settings, Writes writes, IFileStorage storage, TimeProvider time, CancellationToken ct)
    {
        // Rocket.Chat answers 401 for a missing or unknown token and for a room that is not the visitor's open room.
        if (http.Headers["x-visitor-token"].ToString() is not { Length: > 0 } token) return ApiError.Unauthorized();
        var visitor = await db.Visitors.AsNoTracking().Where(v => v.Token == token).Select(v => new { v.Id, v.Username, v.Name }).FirstOrDefaultAsync(ct);
        if (visitor is null || !await db.Rooms.AnyAsync(r => r.Id == rid && r.VisitorId == visitor.Id && r.Open, ct)) return ApiError.Unauthorized();
        if (!await FileMessages.EnabledAsync(settings, ct)) return Disabled();
        var (upload, description, refused) = await ReceiveAsync(http, rid, visitor.Id, settings, storage, time, ct);
        if (refused is not null) return refused;
        ChangeScope.SetVisitor(visitor.Id, visitor.Username);
        var message = NewMessage(upload!, description, visitor.Id, visitor.Username, visitor.Name, token, time);
        upload!.MessageId = message.Id;
        var error = await WriteAsync(db, writes, storage, message, upload, r => r is { Open: true } && r.VisitorId == visitor.Id
            ? null : ApiError.Failure("room-closed"), () => db.Uploads.Add(upload), ct);
        return error ?? (Results<Ok<SpreadMessageResponse>, ApiError>)TypedResults.Ok(SpreadMessageResponse.Of(MessageView.ForVisitor(message)));
    }

    static async Task<Results<Ok<MediaResponse>, ApiError>> UploadAsAgent(string rid, HttpRequest http, CurrentUser caller, LivechatDb db,
        SettingsStore settings, IFileStorage storage, TimeProvider time, CancellationToken ct)
    {
        var room = await db.Rooms.AsNoTracking().FirstOrDefaultAsync(r => r.Id == rid, ct);
        if (room is null) return ApiError.Coded("error-invalid-room");
        if (!await MayPostAsync(db, room, caller, ct)) return ApiError.Coded("error-not-allowed");
        if (!await settings.GetBoolAsync("FileUpload_Enabled", ct)) return Disabled();
        var (upload, _, refused) = await ReceiveAsync(http, rid, caller.Id, settings, storage, time, ct);
        if (refused is not null) return refused;
        db.Uploads.Add(upload!);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch
        {
            await storage.DeleteAsync(upload!.Id, CancellationToken.None);
            throw;
        }
        return TypedResults.Ok(new MediaResponse(new MediaFile(upload!.Id, FileMessages.UrlOf(upload))));
    }

    static async Task<Results<Ok<MessageResponse>, ApiError>> Confirm(string rid, string fileId, JsonBody body, CurrentUser caller, LivechatDb db,
        Writes writes, IFileStorage storage, TimeProvider time, CancellationToken ct)
    {
        var fields = body.Object;
        var upload = await db.Uploads.FirstOrDefaultAsync(u => u.Id == fileId && u.Rid == rid && u.UserId == caller.Id && u.MessageId == null, ct);
        if (upload is null) return ApiError.Coded("invalid-file");
        var room = await db.Rooms.AsNoTracking().FirstOrDefaultAsync(r => r.Id == rid, ct);
        if (room is null || !await MayPostAsync(db, room, caller, ct)) return ApiError.Coded("error-not-allowed");
        var name = await db.Users.Where(u => u.Id == caller.Id).Select(u => u.Name).FirstOrDefaultAsync(ct);
        var message = NewMessage(upload, Text(fields, "description"), caller.Id, caller.Username, name, token: null, time, Text(fields, "msg"));
        var error = await FileMessages.AppendAsync(db, writes, message, r => r is { Open: true } ? null : ApiError.Coded("error-not-allowed"), () =>
        {
            db.Uploads.Attach(upload);
            upload.MessageId = message.Id;
        }, ct);
        return error ?? (Results<Ok<MessageResponse>, ApiError>)TypedResults.Ok(new MessageResponse(MessageView.From(message)));
    }

    static async Task<Results<FileStreamHttpResult, ApiError>> Download(string id, HttpContext http, LivechatDb db, AuthCache auth,
        PermissionStore permissions, IFileStorage storage, CancellationToken ct)
    {
        var upload = await db.Uploads.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct);
        var room = upload is null ? null : await db.Rooms.AsNoTracking().FirstOrDefaultAsync(r => r.Id == upload.Rid, ct);
        if (upload is null || room is null) return ApiError.NotFound("File not found");
        if (!await MaySeeAsync(http, db, auth, permissions, room, upload, ct)) return ApiError.Forbidden();
        var content = await storage.OpenAsync(upload.Id, ct);
        if (content is null) return ApiError.NotFound("File not found");
        http.Response.Headers.CacheControl = "private, max-age=31536000";
        // Images the browser shows inline; anything else (HTML, SVG, scripts…) downloads, so it never runs on this origin.
        return FileTypes.IsInlineImage(upload.Type)
            ? TypedResults.Stream(content, upload.Type)
            : TypedResults.Stream(content, upload.Type, fileDownloadName: upload.Name);
    }

    /// <summary>
    /// The room's visitor (<c>rc_token</c>, as the widget sends it), or a logged-in user who may see the room: by
    /// <c>X-User-Id</c>/<c>X-Auth-Token</c>, or <c>rc_uid</c>/<c>rc_token</c> as cookie or query (Rocket.Chat's
    /// clients put those in image links). A user's own pending upload (<c>rooms.media</c>) is theirs to see.
    /// </summary>
    static async Task<bool> MaySeeAsync(HttpContext http, LivechatDb db, AuthCache auth, PermissionStore permissions, LivechatRoom room,
        Upload upload, CancellationToken ct)
    {
        string Find(string name) => http.Request.Query[name].ToString() is { Length: > 0 } q ? q : http.Request.Cookies[name] ?? "";
        var (userId, token) = http.Request.Headers["X-User-Id"].ToString() is { Length: > 0 } header
            ? (header, http.Request.Headers["X-Auth-Token"].ToString())
            : (Find("rc_uid"), Find("rc_token"));
        if (token.Length == 0) return false;
        if (userId.Length > 0)
        {
            var user = await auth.ResolveAsync(db, Ids.HashToken(token), userId, ct);
            return user is not null && (upload.MessageId is null
                ? upload.UserId == user.Id
                : await RoomAccess.CanViewAsync(db, permissions, user, room, ct));
        }
        return upload.MessageId is not null && await db.Visitors.AnyAsync(v => v.Token == token && v.Id == room.VisitorId, ct);
    }

    static async Task<bool> MayPostAsync(LivechatDb db, LivechatRoom room, CurrentUser caller, CancellationToken ct) =>
        room.Open && (room.ServedById == caller.Id || await db.RoomMembers.AnyAsync(m => m.RoomId == room.Id && m.UserId == caller.Id, ct));

    /// <summary>
    /// Reads the form's <c>file</c> and checks it (size, listed type, bytes against type), then stores its bytes. Nothing
    /// is stored when a check fails.
    /// </summary>
    static async Task<(Upload? Upload, string? Description, ApiError? Error)> ReceiveAsync(HttpRequest http, string rid, string uploaderId,
        SettingsStore settings, IFileStorage storage, TimeProvider time, CancellationToken ct)
    {
        if (!http.HasFormContentType) return (null, null, FileRequired());
        IFormCollection form;
        try
        {
            form = await http.ReadFormAsync(ct);
        }
        catch (Exception e) when (e is InvalidDataException or IOException && !ct.IsCancellationRequested)
        {
            // A multipart body without a boundary, or a malformed or truncated one.
            return (null, null, FileRequired());
        }
        if (form.Files.GetFile("file") is not { } file) return (null, null, FileRequired());
        var max = await settings.GetIntAsync("FileUpload_MaxFileSize", ct);
        if (max >= 0 && file.Length > max)
        {
            return (null, null, ApiError.Coded("error-file-too-large", $"File size exceeds allowed size of {max} bytes", StatusCodes.Status413PayloadTooLarge));
        }
        var type = string.IsNullOrWhiteSpace(file.ContentType) ? "application/octet-stream" : file.ContentType.Split(';')[0].Trim().ToLowerInvariant();
        var head = new byte[16];
        await using (var peek = file.OpenReadStream())
        {
            head = head[..await peek.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct)];
        }
        if (!FileTypes.Allowed(type, await settings.GetStringAsync("FileUpload_MediaTypeWhiteList", ct),
                await settings.GetStringAsync("FileUpload_MediaTypeBlackList", ct))
            || !FileTypes.BytesMatch(type, head))
        {
            return (null, null, ApiError.Coded("error-type-not-allowed", "File type is not accepted"));
        }
        var name = Path.GetFileName(file.FileName.Replace('\\', '/')).Trim();
        if (name.Length == 0) name = "file";
        if (Limits.TooLong(name, 255)) return (null, null, Limits.ValueTooLong("name", 255));
        var upload = new Upload
        {
            Id = Ids.NewId(), Rid = rid, UserId = uploaderId, Name = name, Type = type, Size = file.Length, UploadedAt = time.UtcNow(),
        };
        await using (var content = file.OpenReadStream())
        {
            await storage.SaveAsync(upload.Id, content, ct);
        }
        return (upload, form["description"].ToString() is { Length: > 0 } d ? d : null, null);
    }

    /// <summary>The message's write; when it fails or is refused, the stored bytes go again.</summary>
    static async Task<ApiError?> WriteAsync(LivechatDb db, Writes writes, IFileStorage storage, Message message, Upload upload,
        Func<LivechatRoom?, ApiError?> refusal, Action track, CancellationToken ct)
    {
        ApiError? error;
        try
        {
            error = await FileMessages.AppendAsync(db, writes, message, refusal, track, ct);
        }
        catch
        {
            await storage.DeleteAsync(upload.Id, CancellationToken.None);
            throw;
        }
        if (error is not null) await storage.DeleteAsync(upload.Id, CancellationToken.None);
        return error;
    }

    static Message NewMessage(Upload upload, string? description, string userId, string username, string? name, string? token, TimeProvider time,
        string? msg = null)
    {
        var now = time.UtcNow();
        return new Message
        {
            Id = Ids.NewId(), Rid = upload.Rid, Msg = msg ?? "", Ts = now, UpdatedAt = now, UserId = userId, Username = username,
            UserDisplayName = name, Token = token, Files = FileMessages.Json(upload, description, now),
        };
    }

    static string? Text(JsonObject? fields, string name) => fields?[name] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;

    static ApiError Disabled() => ApiError.Coded("error-file-upload-disabled", "File upload is disabled");

    static ApiError FileRequired() => ApiError.Coded("error-file-required", "File required");
}
