using System.Net.Http.Headers;
using Livechat.Server.Tests.Infrastructure;

namespace Livechat.Server.Tests.Files;

public abstract class FileEndpointsTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    static readonly byte[] PngMagic = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The files of this class's server, in a folder of its own (setting <c>FileUpload_FileSystemPath</c>).</summary>
    readonly string _folder = Path.Combine(Path.GetTempPath(), "livechat-files-" + typeof(TFactory).Name);

    static byte[] Png(int size)
    {
        var bytes = new byte[size];
        PngMagic.CopyTo(bytes, 0);
        Random.Shared.NextBytes(bytes.AsSpan(PngMagic.Length));
        return bytes;
    }

    static MultipartFormDataContent Form(byte[] bytes, string name, string type, string? description = null)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
        var form = new MultipartFormDataContent { { file, "file", name } };
        if (description is not null) form.Add(new StringContent(description), "description");
        return form;
    }

    async Task<Reply> UploadAsVisitorAsync(string? token, string rid, HttpContent form)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/livechat/upload/{rid}") { Content = form };
        if (token is not null) request.Headers.Add("x-visitor-token", token);
        return await factory.Anonymous().SendAsync(request);
    }

    static Task<Reply> UploadAsAgentAsync(ApiClient api, string rid, HttpContent form) =>
        api.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/rooms.media/{rid}") { Content = form });

    static async Task<(int Status, byte[] Bytes, string? Type, string? Disposition)> DownloadAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url);
        return ((int)response.StatusCode, await response.Content.ReadAsByteArrayAsync(), response.Content.Headers.ContentType?.MediaType,
            response.Content.Headers.ContentDisposition?.DispositionType);
    }

    async Task UseOwnFolderAsync() => await factory.SetSettingAsync("FileUpload_FileSystemPath", _folder);

    [Fact]
    public async Task VisitorUploadsAnImageThatTheAgentAndTheVisitorDownloadUnchanged()
    {
        await UseOwnFolderAsync();
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var v = room.GetProperty("v");
        var bytes = Png(1536 * 1024);   // larger than the general 1 MiB body limit

        var reply = await UploadAsVisitorAsync(token, rid, Form(bytes, "photo.png", "image/png", "my receipt"));

        var body = reply.Ok().Json;
        var id = body.GetProperty("file").Str("_id");
        var ts = body.Str("ts");
        var url = $"/file-upload/{id}/photo.png";
        var file = $$"""{"_id":"{{id}}","name":"photo.png","type":"image/png","size":{{bytes.Length}},"format":"png"}""";
        reply.Is(200, $$"""
            {"_id":"{{body.Str("_id")}}","rid":"{{rid}}","msg":"","ts":"{{ts}}",
            "u":{"_id":"{{v.Str("_id")}}","username":"{{v.Str("username")}}"},"token":"{{token}}","urls":[],"mentions":[],"channels":[],
            "_updatedAt":"{{ts}}","file":{{file}},"files":[{{file}}],
            "attachments":[{"ts":"{{ts}}","title":"photo.png","title_link":"{{url}}","title_link_download":true,"type":"file",
            "description":"my receipt","image_url":"{{url}}","image_type":"image/png","image_size":{{bytes.Length}}}],"success":true}
            """);
        var asAgent = await DownloadAsync(agent.Api.Http, url);
        Assert.Equal((200, "image/png", (string?)null), (asAgent.Status, asAgent.Type, asAgent.Disposition));
        Assert.Equal(bytes, asAgent.Bytes);
        var asVisitor = await DownloadAsync(factory.Anonymous().Http, $"{url}?rc_token={token}");
        Assert.Equal(bytes, asVisitor.Bytes);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(_folder, id)));
        // The agent's history and the room's last message carry the attachment.
        var synced = (await agent.Api.GetAsync($"chat.syncMessages?roomId={rid}&lastUpdate=2000-01-01T00:00:00.000Z")).Ok().Json;
        Assert.Equal(url, synced.GetProperty("result").GetProperty("updated")[0].GetProperty("attachments")[0].Str("image_url"));
        var info = (await agent.Api.GetAsync($"rooms.info?roomId={rid}")).Ok().Json.GetProperty("room");
        Assert.Equal(id, info.GetProperty("lastMessage").GetProperty("file").Str("_id"));
    }

    [Fact]
    public async Task AgentUploadsWithRoomsMediaAndSendsItWithRoomsMediaConfirm()
    {
        await UseOwnFolderAsync();
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var pdf = "%PDF-1.4\n%âãÏÓ\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"u8.ToArray();

        var media = (await UploadAsAgentAsync(agent.Api, rid, Form(pdf, "invoice.pdf", "application/pdf"))).Ok();
        var id = media.Json.GetProperty("file").Str("_id");
        media.Is(200, $$"""{"file":{"_id":"{{id}}","url":"/file-upload/{{id}}/invoice.pdf"},"success":true}""");
        // Not sent yet: the visitor cannot fetch it; the uploader can.
        Assert.Equal(403, (await DownloadAsync(factory.Anonymous().Http, $"/file-upload/{id}/invoice.pdf?rc_token={token}")).Status);
        Assert.Equal(200, (await DownloadAsync(agent.Api.Http, $"/file-upload/{id}/invoice.pdf")).Status);
        var confirmed = (await agent.Api.PostAsync($"rooms.mediaConfirm/{rid}/{id}", new { msg = "Your invoice", description = "March" })).Ok();

        var message = confirmed.Json.GetProperty("message");
        Assert.Equal("Your invoice", message.Str("msg"));
        Assert.Equal($$"""{"_id":"{{id}}","name":"invoice.pdf","type":"application/pdf","size":{{pdf.Length}},"format":"pdf"}""",
            message.GetProperty("file").GetRawText());
        Assert.Equal($$"""
            [{"ts":"{{message.Str("ts")}}","title":"invoice.pdf","title_link":"/file-upload/{{id}}/invoice.pdf","title_link_download":true,"type":"file","description":"March","format":"pdf","size":{{pdf.Length}}}]
            """.Trim(), message.GetProperty("attachments").GetRawText());
        (await agent.Api.PostAsync($"rooms.mediaConfirm/{rid}/{id}", new { })).Is(400, """{"success":false,"error":"[invalid-file]","errorType":"invalid-file"}""");
        // The visitor by the rc_token cookie, as a browser sends it with an image.
        var request = new HttpRequestMessage(HttpMethod.Get, $"/file-upload/{id}/invoice.pdf");
        request.Headers.Add("Cookie", $"rc_token={token}");
        using var response = await factory.Anonymous().Http.SendAsync(request);
        Assert.Equal(pdf, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        var history = (await factory.Anonymous().GetAsync($"livechat/messages.history/{rid}?token={token}")).Ok().Json;
        Assert.Equal(id, history.GetProperty("messages")[0].GetProperty("files")[0].Str("_id"));
    }

    [Fact]
    public async Task UploadLimitsAnswerRocketChatErrorsAndStoreNothing()
    {
        await UseOwnFolderAsync();
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var before = Directory.Exists(_folder) ? Directory.GetFiles(_folder).Length : 0;

        (await UploadAsVisitorAsync(null, rid, Form(Png(100), "a.png", "image/png"))).Is(401,
            """{"success":false,"error":"You must be logged in to do this.","status":"error","message":"You must be logged in to do this."}""");
        (await UploadAsVisitorAsync(token, rid, new MultipartFormDataContent { { new StringContent("x"), "other" } })).Is(400,
            """{"success":false,"error":"File required [error-file-required]","errorType":"error-file-required"}""");
        // A Windows executable renamed to look like a picture, and an ELF binary sent as text.
        var exe = new byte[200];
        "MZ"u8.CopyTo(exe);
        (await UploadAsVisitorAsync(token, rid, Form(exe, "photo.png", "image/png"))).Is(400,
            """{"success":false,"error":"File type is not accepted [error-type-not-allowed]","errorType":"error-type-not-allowed"}""");
        var elf = new byte[200];
        new byte[] { 0x7F, 0x45, 0x4C, 0x46 }.CopyTo(elf, 0);
        (await UploadAsVisitorAsync(token, rid, Form(elf, "notes.txt", "text/plain"))).Is(400,
            """{"success":false,"error":"File type is not accepted [error-type-not-allowed]","errorType":"error-type-not-allowed"}""");
        // The black list's default refuses SVG.
        (await UploadAsVisitorAsync(token, rid, Form("<svg/>"u8.ToArray(), "a.svg", "image/svg+xml"))).Is(400,
            """{"success":false,"error":"File type is not accepted [error-type-not-allowed]","errorType":"error-type-not-allowed"}""");
        await factory.SetSettingAsync("FileUpload_MediaTypeWhiteList", "image/*");
        await factory.SetSettingAsync("FileUpload_MaxFileSize", 1000);
        try
        {
            (await UploadAsVisitorAsync(token, rid, Form("hello"u8.ToArray(), "a.txt", "text/plain"))).Is(400,
                """{"success":false,"error":"File type is not accepted [error-type-not-allowed]","errorType":"error-type-not-allowed"}""");
            (await UploadAsVisitorAsync(token, rid, Form(Png(1001), "big.png", "image/png"))).Is(413,
                """{"success":false,"error":"File size exceeds allowed size of 1000 bytes [error-file-too-large]","errorType":"error-file-too-large"}""");
            (await UploadAsAgentAsync(agent.Api, rid, Form(Png(1001), "big.png", "image/png"))).Is(413,
                """{"success":false,"error":"File size exceeds allowed size of 1000 bytes [error-file-too-large]","errorType":"error-file-too-large"}""");
            // A body far beyond the limit is refused before it is read.
            (await UploadAsVisitorAsync(token, rid, Form(Png(2 * 1024 * 1024), "huge.png", "image/png"))).Is(413,
                """{"success":false,"error":"error-request-too-large","errorType":"error-request-too-large"}""");
            (await UploadAsVisitorAsync(token, rid, Form(Png(1000), "fits.png", "image/png"))).Ok();
        }
        finally
        {
            await factory.SetSettingAsync("FileUpload_MediaTypeWhiteList", "");
            await factory.SetSettingAsync("FileUpload_MaxFileSize", 104857600);
        }
        Assert.Equal(before + 1, Directory.GetFiles(_folder).Length);
        await factory.SetSettingAsync("FileUpload_Enabled", false);
        try
        {
            (await UploadAsVisitorAsync(token, rid, Form(Png(100), "a.png", "image/png"))).Is(400,
                """{"success":false,"error":"File upload is disabled [error-file-upload-disabled]","errorType":"error-file-upload-disabled"}""");
            var config = (await factory.Anonymous().GetAsync($"livechat/config?token={token}")).Ok().Json;
            Assert.False(config.GetProperty("config").GetProperty("settings").GetProperty("fileUpload").GetBoolean());
        }
        finally
        {
            await factory.SetSettingAsync("FileUpload_Enabled", true);
        }
        var enabled = (await factory.Anonymous().GetAsync($"livechat/config?token={token}")).Ok().Json;
        Assert.True(enabled.GetProperty("config").GetProperty("settings").GetProperty("fileUpload").GetBoolean());
    }

    [Fact]
    public async Task OnlyThoseWhoMaySeeTheRoomGetItsFiles()
    {
        await UseOwnFolderAsync();
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var (otherRoom, otherToken, otherAgent, _) = await factory.CreateServedRoomAsync();
        var stranger = await factory.CreateUserAsync();
        var id = (await UploadAsVisitorAsync(token, rid, Form(Png(500), "me.png", "image/png"))).Ok().Json.GetProperty("file").Str("_id");
        var url = $"/file-upload/{id}/me.png";

        Assert.Equal(403, (await DownloadAsync(factory.Anonymous().Http, url)).Status);
        Assert.Equal(403, (await DownloadAsync(factory.Anonymous().Http, $"{url}?rc_token={otherToken}")).Status);
        Assert.Equal(403, (await DownloadAsync(otherAgent.Api.Http, url)).Status);
        Assert.Equal(403, (await DownloadAsync(stranger.Api.Http, url)).Status);
        Assert.Equal(403, (await DownloadAsync(factory.Anonymous().Http, $"{url}?rc_uid={agent.Id}&rc_token=wrong")).Status);
        Assert.Equal(200, (await DownloadAsync((await factory.AdminAsync()).Http, url)).Status);
        Assert.Equal(200, (await DownloadAsync(factory.Anonymous().Http, $"{url}?rc_uid={agent.Id}&rc_token={agent.Api.Token}")).Status);
        Assert.Equal(404, (await DownloadAsync(factory.Anonymous().Http, "/file-upload/nope/me.png")).Status);
        // Uploading into another's room: the visitor is refused as Rocket.Chat does, the agent with error-not-allowed.
        (await UploadAsVisitorAsync(otherToken, rid, Form(Png(100), "a.png", "image/png"))).Is(401,
            """{"success":false,"error":"You must be logged in to do this.","status":"error","message":"You must be logged in to do this."}""");
        (await UploadAsAgentAsync(otherAgent.Api, rid, Form(Png(100), "a.png", "image/png"))).Is(400,
            """{"success":false,"error":"[error-not-allowed]","errorType":"error-not-allowed"}""");
        var pending = (await UploadAsAgentAsync(agent.Api, rid, Form(Png(100), "a.png", "image/png"))).Ok().Json.GetProperty("file").Str("_id");
        (await otherAgent.Api.PostAsync($"rooms.mediaConfirm/{rid}/{pending}", new { })).Is(400,
            """{"success":false,"error":"[invalid-file]","errorType":"invalid-file"}""");
        Assert.NotEqual(otherRoom.Str("_id"), rid);
    }

    [Fact]
    public async Task RemovingTheVisitorRemovesTheirFiles()
    {
        await UseOwnFolderAsync();
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var id = (await UploadAsVisitorAsync(token, rid, Form(Png(300), "gone.png", "image/png"))).Ok().Json.GetProperty("file").Str("_id");
        var pending = (await UploadAsAgentAsync(agent.Api, rid, Form(Png(300), "draft.png", "image/png"))).Ok().Json.GetProperty("file").Str("_id");
        Assert.True(File.Exists(Path.Combine(_folder, id)));
        (await agent.Api.PostAsync("livechat/room.closeByUser", new { rid, comment = "done" })).Ok();

        (await factory.Anonymous().DeleteAsync($"livechat/visitor/{token}")).Ok();

        Assert.False(File.Exists(Path.Combine(_folder, id)));
        Assert.False(File.Exists(Path.Combine(_folder, pending)));
        Assert.Equal(404, (await DownloadAsync((await factory.AdminAsync()).Http, $"/file-upload/{id}/gone.png")).Status);
    }
}

public sealed class FileEndpointsSqliteTests(SqliteServerFactory factory) : FileEndpointsTests<SqliteServerFactory>(factory);

public sealed class FileEndpointsPostgresTests(PostgresServerFactory factory) : FileEndpointsTests<PostgresServerFactory>(factory);
