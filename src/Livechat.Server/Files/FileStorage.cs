using Livechat.Server.Data;
using Livechat.Server.Settings;
using Microsoft.Data.Sqlite;

namespace Livechat.Server.Files;

/// <summary>Where the bytes of uploads live, by upload id. Local disk is the one store (<see cref="LocalFileStorage"/>).</summary>
public interface IFileStorage
{
    Task SaveAsync(string id, Stream content, CancellationToken ct);

    /// <summary>The file's bytes, or null when the store has no such file.</summary>
    Task<Stream?> OpenAsync(string id, CancellationToken ct);

    Task DeleteAsync(string id, CancellationToken ct);
}

/// <summary>
/// Files in the folder of the setting <c>FileUpload_FileSystemPath</c>; empty (the default) means an <c>uploads</c>
/// folder next to the SQLite database file, or in the working directory on PostgreSQL. One file per upload, named by
/// its id (ids are made by the server, never by the caller), so a file name cannot reach outside the folder.
/// </summary>
public sealed class LocalFileStorage(SettingsStore settings, IConfiguration configuration) : IFileStorage
{
    public async Task SaveAsync(string id, Stream content, CancellationToken ct)
    {
        var path = await PathOfAsync(id, ct);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // Written under a temporary name and moved: a reader never sees half a file.
        var partial = path + ".part";
        await using (var file = File.Create(partial))
        {
            await content.CopyToAsync(file, ct);
        }
        File.Move(partial, path, overwrite: true);
    }

    public async Task<Stream?> OpenAsync(string id, CancellationToken ct)
    {
        var path = await PathOfAsync(id, ct);
        return File.Exists(path) ? File.OpenRead(path) : null;
    }

    public async Task DeleteAsync(string id, CancellationToken ct) => File.Delete(await PathOfAsync(id, ct));

    async Task<string> PathOfAsync(string id, CancellationToken ct)
    {
        var folder = await settings.GetStringAsync("FileUpload_FileSystemPath", ct);
        if (folder.Length == 0) folder = DefaultFolder();
        return Path.Combine(Path.GetFullPath(folder), id);
    }

    string DefaultFolder()
    {
        var database = DatabaseSetup.IsPostgres(configuration) ? null
            : new SqliteConnectionStringBuilder(DatabaseSetup.ConnectionString(configuration)).DataSource;
        var beside = string.IsNullOrEmpty(database) || database == ":memory:" ? "." : Path.GetDirectoryName(Path.GetFullPath(database)) ?? ".";
        return Path.Combine(beside, "uploads");
    }
}
