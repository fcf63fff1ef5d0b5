// Tests of the SQLite RAII layer.
#include "runtime/sqlite.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

namespace nightjar::sqlite {
namespace {

using ::testing::HasSubstr;

class SqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("nj-sqlite-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path() const { return (dir_ / "test.db").string(); }
  std::filesystem::path dir_;
};

TEST_F(SqliteTest, WritesAndReadsRowsInWalMode) {
  auto db = Database::Open(Path());
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ASSERT_TRUE(db->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, v REAL, b BLOB)").ok());
  auto insert = db->Prepare("INSERT INTO t (name, v, b) VALUES (?, ?, ?)");
  ASSERT_TRUE(insert.ok());
  {
    auto tx = Transaction::Begin(&*db);
    ASSERT_TRUE(tx.ok());
    for (int i = 0; i < 3; ++i) {
      insert->Bind(1, "row" + std::to_string(i))
          .Bind(2, i * 1.5)
          .BindBlob(3, std::string("\0x", 2));
      ASSERT_TRUE(insert->Run().ok());
    }
    ASSERT_TRUE(tx->Commit().ok());
  }
  EXPECT_EQ(db->LastInsertRowId(), 3);

  auto reader = Database::Open(Path(), OpenOptions{.read_only = true});
  ASSERT_TRUE(reader.ok());
  auto select = reader->Prepare("SELECT name, v, b FROM t ORDER BY id");
  ASSERT_TRUE(select.ok());
  std::vector<std::string> names;
  while (true) {
    auto row = select->Step();
    ASSERT_TRUE(row.ok());
    if (!*row) break;
    names.emplace_back(select->Text(0));
    EXPECT_EQ(select->Blob(2), std::string_view("\0x", 2));
  }
  EXPECT_EQ(names, (std::vector<std::string>{"row0", "row1", "row2"}));
  auto mode = db->Prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode->Step().ok());
  EXPECT_EQ(mode->Text(0), "wal");
}

TEST_F(SqliteTest, UncommittedTransactionRollsBack) {
  auto db = Database::Open(Path());
  ASSERT_TRUE(db->Exec("CREATE TABLE t (x INTEGER)").ok());
  {
    auto tx = Transaction::Begin(&*db);
    ASSERT_TRUE(db->Exec("INSERT INTO t VALUES (1)").ok());
  }  // no Commit
  auto count = db->Prepare("SELECT count(*) FROM t");
  ASSERT_TRUE(count->Step().ok());
  EXPECT_EQ(count->Int64(0), 0);
}

TEST_F(SqliteTest, ErrorsSayWhatFailed) {
  auto db = Database::Open(Path());
  auto bad = db->Prepare("SELEKT 1");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("syntax error"));
  ASSERT_TRUE(db->Exec("CREATE TABLE u (x INTEGER UNIQUE)").ok());
  ASSERT_TRUE(db->Exec("INSERT INTO u VALUES (1)").ok());
  auto dup = db->Prepare("INSERT INTO u VALUES (?)");
  dup->Bind(1, 1);
  Status st = dup->Run();
  EXPECT_EQ(st.code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(st.message(), HasSubstr("UNIQUE constraint failed"));
  auto missing = Database::Open((dir_ / "no" / "such" / "dir.db").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("cannot open database"));
}

}  // namespace
}  // namespace nightjar::sqlite
