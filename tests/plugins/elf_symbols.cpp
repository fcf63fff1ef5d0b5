// ELF dynamic symbol table reader; see elf_symbols.h.
#include "elf_symbols.h"

#include <elf.h>

#include <cstring>
#include <fstream>
#include <sstream>

namespace nightjar::plugins::testing {

Result<std::vector<std::string>> ExportedSymbols(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(path + ": cannot open");
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string file = buffer.str();
  auto read = [&](size_t offset, void* out, size_t size) {
    if (offset > file.size() || size > file.size() - offset) return false;
    std::memcpy(out, file.data() + offset, size);
    return true;
  };
  Elf64_Ehdr header;
  if (!read(0, &header, sizeof(header)) || std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 ||
      header.e_ident[EI_CLASS] != ELFCLASS64) {
    return InvalidArgument(path + ": not a 64-bit ELF file");
  }
  std::vector<Elf64_Shdr> sections(header.e_shnum);
  for (size_t i = 0; i < sections.size(); ++i) {
    if (!read(header.e_shoff + i * header.e_shentsize, &sections[i], sizeof(Elf64_Shdr))) {
      return InvalidArgument(path + ": truncated section table");
    }
  }
  std::vector<std::string> names;
  for (const Elf64_Shdr& section : sections) {
    if (section.sh_type != SHT_DYNSYM || section.sh_entsize == 0) continue;
    if (section.sh_link >= sections.size()) return InvalidArgument(path + ": bad .dynsym link");
    const Elf64_Shdr& strings = sections[section.sh_link];
    for (size_t i = 1; i < section.sh_size / section.sh_entsize; ++i) {  // 0 is the null symbol
      Elf64_Sym symbol;
      if (!read(section.sh_offset + i * section.sh_entsize, &symbol, sizeof(symbol))) {
        return InvalidArgument(path + ": truncated .dynsym");
      }
      unsigned char binding = ELF64_ST_BIND(symbol.st_info);
      if (symbol.st_shndx == SHN_UNDEF || binding == STB_LOCAL) continue;
      if (symbol.st_name >= strings.sh_size) return InvalidArgument(path + ": bad symbol name");
      const char* name = file.data() + strings.sh_offset + symbol.st_name;
      names.emplace_back(name, strnlen(name, strings.sh_size - symbol.st_name));
    }
  }
  return names;
}

}  // namespace nightjar::plugins::testing
